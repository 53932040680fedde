import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AppException } from '../common/errors/app.exception';
import { ErrorCode } from '../common/errors/error-code';
import { OutageLog, nextAttemptAt } from '../common/logging/outage-log';
import { AppConfig } from '../config/app-config';
import type { ProviderName } from '../config/ingestion-environment';
import type { AssetUpsertResult } from '../cryptocurrencies/asset-upsert';
import { AssetsRepository } from '../cryptocurrencies/assets.repository';
import { MarketDataPublisher } from '../price-history/market-data.publisher';
import type { PriceUpdated } from '../price-history/price-bus';
import { PriceSnapshotsRepository } from '../price-history/price-snapshots.repository';
import type { IngestionRunEntity, RunTrigger } from './entities/ingestion-run.entity';
import { RunFailureKind, classifyRunFailure } from './run-failure';
import { IngestionRepository } from './ingestion.repository';
import { detectAnomalies } from './anomaly-detector';
import {
  MARKET_DATA_PROVIDERS,
  type MarketDataProvider,
  type NormalisedBatch,
} from './providers/market-data-provider';

/** A whole fetch (all pages, retries included) never takes longer than this. */
const RUN_TIMEOUT_MS = 120_000;
const MAX_REJECTIONS_KEPT = 100;
/** A batch up to this size commits in one transaction; a larger one (a bulk import) in chunks. */
const ATOMIC_MAX_ROWS = 5_000;
/** Rows per chunk of a bulk import's writes. */
const WRITE_CHUNK_ROWS = 2_000;
/** A run with more prices than this is a bulk import: its prices are not streamed live. */
const BULK_ROWS = 1_000;
/** Other sources' prices count for the comparison while this recent. */
const OTHER_SOURCES_WINDOW_MS = 3_600_000;

/**
 * The ingestion pipeline for one source: fetch (each request bounded by PROVIDER_TIMEOUT_MS) → store the raw payload →
 * normalise (bad records rejected and counted) → write assets, snapshots and the checkpoint
 * in one transaction → after commit, hand the trusted prices to the MarketDataPublisher.
 * Every run is recorded, whatever its outcome.
 */
@Injectable()
export class IngestionService {
  private readonly logger = new Logger(IngestionService.name);
  private readonly outages = new Map<string, OutageLog>();

  constructor(
    @Inject(MARKET_DATA_PROVIDERS) private readonly providers: MarketDataProvider[],
    private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly runs: IngestionRepository,
    private readonly assets: AssetsRepository,
    private readonly snapshots: PriceSnapshotsRepository,
    private readonly publisher: MarketDataPublisher,
  ) {}

  /** Enabled sources (INGESTION_PROVIDERS, in priority order) that this build implements. */
  enabledProviders(): MarketDataProvider[] {
    return this.config.ingestion.providers.flatMap((name) =>
      this.providers.filter((p) => p.name === name),
    );
  }

  provider(name: string): MarketDataProvider {
    const provider = this.enabledProviders().find((p) => p.name === name);
    if (!provider) {
      const enabled = this.enabledProviders().map((p) => p.name);
      throw new AppException(
        ErrorCode.ValidationFailed,
        `Unknown or disabled provider '${name}'. Enabled: ${enabled.join(', ') || 'none'}`,
        {
          errors: [
            { field: 'provider', message: `provider must be one of: ${enabled.join(', ')}` },
          ],
        },
      );
    }
    return provider;
  }

  async run(name: ProviderName, trigger: RunTrigger, limit?: number): Promise<IngestionRunEntity> {
    return this.execute(await this.begin(name, trigger), limit);
  }

  /** Records the start of a run (the id callers can poll while it executes). */
  begin(name: ProviderName, trigger: RunTrigger, job?: string): Promise<IngestionRunEntity> {
    return this.runs.startRun(this.provider(name).name, trigger, job ? { job } : {});
  }

  async execute(run: IngestionRunEntity, limit?: number): Promise<IngestionRunEntity> {
    const provider = this.provider(run.source);
    const unavailable = provider.unavailableReason();
    if (unavailable) return this.runs.finishRun(run, { status: 'skipped', error: unavailable });
    try {
      const fetched = await provider.fetch(AbortSignal.timeout(RUN_TIMEOUT_MS), limit);
      await this.runs.storeRawPayload(
        provider.name,
        fetched.fetchedAt,
        fetched.payload,
        run.id,
        fetched.text,
        fetched.textIsNotJson,
      );
      const batch = await provider.normalise(fetched);
      const written = await this.write(batch, provider.name, run.id, fetched.fetchedAt);

      // Anomalous prices are stored (flagged) but never become the current or latest price.
      const assetsBySymbol = new Map(batch.assets.map((a) => [a.symbol, a]));
      const trusted: PriceUpdated[] = batch.snapshots
        .filter((s) => !written.anomalies.has(s.symbol))
        .map((s) => ({
          symbol: s.symbol,
          price: s.price,
          change24h: assetsBySymbol.get(s.symbol)?.priceChangePercentage24h ?? null,
          volume24h: s.totalVolume,
          timestamp: s.timestamp.getTime(),
          source: provider.name,
        }));
      if (batch.snapshots.length <= BULK_ROWS) {
        await this.publisher.publish({
          prices: trusted,
          symbols: batch.snapshots.map((s) => s.symbol),
        });
      } else {
        await this.publisher.publishBulk(trusted);
        this.logger.log(
          `${provider.name}: ${batch.snapshots.length} prices stored, not streamed (bulk)`,
        );
      }
      this.outageOf(provider.name).recovered();

      return this.runs.finishRun(run, {
        status:
          batch.rejected.length > 0 || batch.drift.length > 0 || written.anomalies.size > 0
            ? 'partial'
            : 'success',
        fetchedCount: batch.assets.length + batch.rejected.length,
        createdCount: written.assets.created,
        updatedCount: written.assets.updated,
        skippedCount: batch.rejected.length,
        driftCount: batch.drift.length,
        anomalyCount: written.anomalies.size,
        details: {
          anomalies: [...written.anomalies].map(([symbol, reason]) => ({ symbol, reason })),
          snapshots_created: written.snapshotsCreated,
          unchanged: written.assets.unchanged,
          rejected: batch.rejected.slice(0, MAX_REJECTIONS_KEPT),
          drift: batch.drift,
        },
      });
    } catch (error) {
      const failure = classifyRunFailure(error);
      if (failure.kind === RunFailureKind.Database) {
        this.logger.warn(`${provider.name} ingestion failed: ${failure.detail}`);
      } else if (failure.kind === RunFailureKind.Internal) {
        this.logger.error(`${provider.name} run ${run.id} failed: ${failure.detail}`);
      } else {
        this.outageOf(provider.name).failed(failure.detail, this.retryOf(provider.name));
      }
      // Nothing of the batch was written: its transaction rolled back with the checkpoint.
      return this.runs.finishRun(run, {
        status: 'failed',
        error: failure.publicMessage,
        details: { error_kind: failure.kind },
      });
    }
  }

  /**
   * Assets, snapshots and the checkpoint. A batch of up to ATOMIC_MAX_ROWS commits in one
   * transaction; a larger one (a bulk import) commits chunk by chunk, the checkpoint with the
   * last, so no statement holds the database (the only connection, in embedded mode) for
   * long: reads go on between chunks. A failure half way keeps the chunks before it; a re-run
   * writes the same rows again without changing them.
   */
  private async write(
    batch: NormalisedBatch,
    source: ProviderName,
    runId: string,
    fetchedAt: Date,
  ): Promise<{
    assets: AssetUpsertResult;
    snapshotsCreated: number;
    anomalies: Map<string, string>;
  }> {
    const assetsBySymbol = new Map(batch.assets.map((a) => [a.symbol, a]));
    const total = {
      assets: { created: 0, updated: 0, unchanged: 0, ids: new Map<string, number>() },
      snapshotsCreated: 0,
      anomalies: new Map<string, string>(),
    };
    const parts =
      batch.snapshots.length <= ATOMIC_MAX_ROWS
        ? [batch.snapshots]
        : chunks(batch.snapshots, WRITE_CHUNK_ROWS);
    for (const [index, snapshots] of parts.entries()) {
      const part: NormalisedBatch = {
        ...batch,
        snapshots,
        assets: snapshots.flatMap((s) => assetsBySymbol.get(s.symbol) ?? []),
      };
      await this.dataSource.transaction(async (manager) => {
        const anomalies = await this.findAnomalies(part, source, manager);
        const assets = await this.assets.upsert(
          part.assets.filter((a) => !anomalies.has(a.symbol)),
          manager,
          this.config.ingestion.providers,
        );
        const ids = await this.assets.findIdsBySymbols(
          snapshots.map((s) => s.symbol),
          manager,
        );
        total.snapshotsCreated += await this.snapshots.insert(
          snapshots.map((s) => ({
            assetId: ids.get(s.symbol)!,
            timestamp: s.timestamp,
            source,
            price: s.price,
            marketCap: s.marketCap,
            totalVolume: s.totalVolume,
            anomaly: anomalies.get(s.symbol) ?? null,
          })),
          manager,
        );
        if (index === parts.length - 1) {
          await this.runs.saveCheckpoint(manager, source, '', {
            last_run_id: runId,
            fetched_at: fetchedAt.toISOString(),
            records: batch.assets.length,
          });
        }
        total.assets.created += assets.created;
        total.assets.updated += assets.updated;
        total.assets.unchanged += assets.unchanged;
        for (const [symbol, reason] of anomalies) total.anomalies.set(symbol, reason);
      });
      if (parts.length > 1) await yieldToEventLoop();
    }
    return total;
  }

  private outageOf(source: string): OutageLog {
    let outage = this.outages.get(source);
    if (!outage) this.outages.set(source, (outage = new OutageLog(this.logger, source)));
    return outage;
  }

  /** When a failed source is tried again: its next scheduled listing sync, if any. */
  private retryOf(source: string): string {
    const { schedule, top50IntervalMs: width } = this.config.ingestion;
    if (!schedule || source === 'csv') return 'not retried until the next sync is asked for';
    return nextAttemptAt(Math.floor(Date.now() / width) * width + width);
  }

  /** Prices of this batch that jumped or disagree with other sources (per symbol, why). */
  private async findAnomalies(
    batch: NormalisedBatch,
    source: string,
    manager: EntityManager,
  ): Promise<Map<string, string>> {
    const ids = await this.assets.findIdsBySymbols(
      batch.snapshots.map((s) => s.symbol),
      manager,
    );
    if (ids.size === 0) return new Map();
    const known = [...ids.values()];
    const since = new Date(Date.now() - OTHER_SOURCES_WINDOW_MS);
    const [previous, others] = await Promise.all([
      this.snapshots.previousPrices(known, source, manager),
      this.snapshots.otherSourcesPrices(known, source, since, manager),
    ]);
    const bySymbol = <T>(byId: Map<number, T>) =>
      new Map(
        [...ids].flatMap(([symbol, id]) =>
          byId.has(id) ? [[symbol, byId.get(id)!] as const] : [],
        ),
      );
    return detectAnomalies(
      new Map(batch.snapshots.map((s) => [s.symbol, s.price])),
      bySymbol(previous),
      bySymbol(others),
      this.config.ingestion.anomalyThresholdPercent,
    );
  }
}

/** Splits rows into runs of at most `size` (always at least one, possibly empty). */
function chunks<T>(rows: readonly T[], size: number): T[][] {
  if (rows.length <= size) return [rows as T[]];
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/** Lets timers and I/O (health probes, live streams) run between chunks of work. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
