import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AssetsRepository } from '../../cryptocurrencies/assets.repository';
import { asynchronousCommit } from '../../database/asynchronous-commit';
import { CandlesRepository, type CandleWrite } from '../../price-history/candles.repository';
import { MarketDataPublisher } from '../../price-history/market-data.publisher';
import type { IngestionRunEntity, RunTrigger } from '../entities/ingestion-run.entity';
import { IngestionRepository } from '../ingestion.repository';
import { assetName } from '../known-assets';
import { RunFailureKind, classifyRunFailure } from '../run-failure';
import { CandleFileError, parseCandleFile, type ParsedCandleFile } from './candle-file.parser';

/** Whose candles a file holds when the caller does not say: the layout's origin. */
const LAYOUT_SOURCES: Record<ParsedCandleFile['layout'], string> = {
  yahoo: 'yahoo',
  binance: 'binance',
  coingecko: 'coingecko',
};

/** Rejected rows listed in a run's details (all are counted). */
const MAX_REJECTIONS_KEPT = 100;

export interface CandleImport {
  /** The file's text (decompressed). */
  text: string;
  /** Its name, for the run record. */
  file: string;
  symbol: string;
  /** The candles' `source` (default: what the layout says, e.g. `binance` for kline files). */
  source?: string;
  trigger: RunTrigger;
  volumeIn?: 'base' | 'quote';
  /**
   * A checkpoint (source, key) written in the data's transaction with the file's checksum,
   * so a caller can tell an imported file from a new one.
   */
  checkpoint?: { key: string; checksum: string };
}

/** After the data commits (cache generations, events); the CLI has none. */
export type AfterImport = (symbols: string[]) => Promise<void>;

/**
 * Imports one file of historical candles: a run record, the file kept as a raw payload,
 * every row checked (bad ones rejected with their line), then all good rows and the
 * checkpoint in one transaction, so a failure or a kill leaves nothing half written and a
 * re-run converges to the same rows. 1-minute files land in `candles` (rolled up as usual),
 * hourly and daily files beside the roll-ups as direct candles.
 */
export class CandleImporter {
  constructor(
    private readonly dataSource: DataSource,
    private readonly candles: CandlesRepository,
    private readonly assets: AssetsRepository,
    private readonly runs: IngestionRepository,
    private readonly afterImport: AfterImport = async () => undefined,
  ) {}

  async import(job: CandleImport): Promise<IngestionRunEntity> {
    const startedAt = Date.now();
    let parsed: ParsedCandleFile | CandleFileError;
    try {
      parsed = parseCandleFile(job.text, { volumeIn: job.volumeIn });
    } catch (error) {
      if (!(error instanceof CandleFileError)) throw error;
      parsed = error;
    }
    const source =
      job.source ?? (parsed instanceof CandleFileError ? 'import' : LAYOUT_SOURCES[parsed.layout]);
    const run = await this.runs.startRun(source, job.trigger, {
      job: 'import:candles',
      file: job.file,
      symbol: job.symbol,
    });
    if (parsed instanceof CandleFileError) {
      return this.runs.finishRun(run, {
        status: 'failed',
        error: `${job.file}: ${parsed.message}`,
        durationMs: Date.now() - startedAt,
        details: { job: 'import:candles', file: job.file, error_kind: RunFailureKind.InvalidFile },
      });
    }
    try {
      await this.runs.storeRawPayload(
        source,
        new Date(),
        undefined,
        run.id,
        job.text,
        parsed.layout !== 'coingecko',
      );
      const written = await this.write({ ...job, source }, parsed);
      await this.afterImport([job.symbol]);
      const { candles, rejected } = parsed;
      return this.runs.finishRun(run, {
        status: rejected.length > 0 ? 'partial' : 'success',
        fetchedCount: candles.length + rejected.length,
        createdCount: written.created,
        updatedCount: written.updated,
        skippedCount: rejected.length,
        durationMs: Date.now() - startedAt,
        details: {
          job: 'import:candles',
          file: job.file,
          symbol: job.symbol,
          source,
          layout: parsed.layout,
          timeframe: parsed.width,
          first: new Date(candles[0].openTime).toISOString(),
          last: new Date(candles[candles.length - 1].openTime).toISOString(),
          rejected: rejected.slice(0, MAX_REJECTIONS_KEPT),
        },
      });
    } catch (error) {
      const failure = classifyRunFailure(error);
      return this.runs.finishRun(run, {
        status: 'failed',
        error: failure.publicMessage,
        durationMs: Date.now() - startedAt,
        details: { job: 'import:candles', file: job.file, error_kind: failure.kind },
      });
    }
  }

  private write(
    job: CandleImport & { source: string },
    parsed: ParsedCandleFile,
  ): Promise<{ created: number; updated: number }> {
    return this.dataSource.transaction(async (manager) => {
      await asynchronousCommit(manager);
      const ids = await this.assets.findOrCreateIds(
        [{ symbol: job.symbol, name: assetName(job.symbol), source: job.source }],
        manager,
      );
      const assetId = ids.get(job.symbol)!;
      const now = Date.now();
      const width = { '1m': 60_000, '1h': 3_600_000, '1d': 86_400_000 }[parsed.width];
      const rows: CandleWrite[] = parsed.candles.map((c) => ({
        assetId,
        openTime: new Date(c.openTime),
        source: job.source,
        open: c.open,
        high: c.high,
        low: c.low,
        close: c.close,
        volume: c.volume,
        quoteVolume: c.quoteVolume,
        tradeCount: c.tradeCount,
        isClosed: c.openTime + width <= now,
      }));
      const written =
        parsed.width === '1m'
          ? await this.candles.upsert(rows, manager)
          : await this.candles.upsertDirect(parsed.width, rows, manager);
      if (job.checkpoint) {
        await this.runs.saveCheckpoint(manager, job.source, job.checkpoint.key, {
          checksum: job.checkpoint.checksum,
          candles: rows.length,
          last: new Date(parsed.candles[parsed.candles.length - 1].openTime).toISOString(),
        });
      }
      return written;
    });
  }
}

/**
 * The importer inside the service: after a commit the symbol's cached answers go stale
 * through the one publisher (history moves no current price and publishes no event).
 */
@Injectable()
export class CandleImportService extends CandleImporter {
  readonly logger = new Logger(CandleImportService.name);

  constructor(
    dataSource: DataSource,
    candles: CandlesRepository,
    assets: AssetsRepository,
    runs: IngestionRepository,
    publisher: MarketDataPublisher,
  ) {
    super(dataSource, candles, assets, runs, (symbols) => publisher.publish({ symbols }));
  }
}
