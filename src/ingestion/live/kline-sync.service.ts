import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OutageLog, nextAttemptAt } from '../../common/logging/outage-log';
import { AppConfig } from '../../config/app-config';
import { asynchronousCommit } from '../../database/asynchronous-commit';
import { AssetsRepository } from '../../cryptocurrencies/assets.repository';
import { MarketDataPublisher } from '../../price-history/market-data.publisher';
import type { IngestionRunEntity, RunTrigger } from '../entities/ingestion-run.entity';
import { IngestionRepository } from '../ingestion.repository';
import { assetName } from '../known-assets';
import { BinanceProvider, KLINES_PAGE_SIZE, type Kline } from '../providers/binance.provider';
import type { RejectedRecord } from '../providers/market-data-provider';
import { RunFailureKind, classifyRunFailure } from '../run-failure';
import { readKlinePage } from './kline-pages';
import { LiveMarketWriter } from './live-market.writer';

const MINUTE = 60_000;
/** Per symbol and run: 10 pages are a week of minutes; a longer gap takes several runs. */
const MAX_PAGES_PER_SYMBOL = 10;
/** A whole catch-up (every symbol, every page) never takes longer than this. */
const RUN_TIMEOUT_MS = 120_000;
export const KLINES_JOB = 'klines';
/**
 * Rows per transaction: 10 pages, one transaction per symbol and run. Fewer roll-up
 * refreshes and checkpoint writes: the catch-up end to end measured 99-106k rows/s in
 * back-to-back bench:ingest runs, against 73-94k with 5,000.
 */
const ROWS_PER_TRANSACTION = 10_000;
/** Symbols caught up at once: fetching one overlaps writing another. */
const CONCURRENCY = 2;

const checkpointKey = (symbol: string) => `klines:${symbol}`;

interface SymbolOutcome {
  fetched: number;
  created: number;
  updated: number;
  rejected: RejectedRecord[];
  /** Newest closed minute now stored (epoch ms), if any. */
  through?: number;
  error?: string;
}

/**
 * Binance 1-minute klines from each tracked symbol's checkpoint (the last closed minute
 * stored) up to now, page by page. Each page's candles and the advanced checkpoint commit in
 * one transaction, so a failure leaves no hole behind the checkpoint and a restart resumes
 * where it stopped. The still-open minute is stored as open and fetched again next time.
 * First catch-up of a symbol reaches back BINANCE_BACKFILL_MINUTES. Used every minute by
 * the schedule and after every (re)connection of the live stream, so candles have no
 * silent holes.
 */
@Injectable()
export class KlineSyncService {
  private readonly logger = new Logger(KlineSyncService.name);
  private readonly outage = new OutageLog(this.logger, 'Binance klines');

  constructor(
    private readonly config: AppConfig,
    private readonly binance: BinanceProvider,
    private readonly dataSource: DataSource,
    private readonly runs: IngestionRepository,
    private readonly assets: AssetsRepository,
    private readonly writer: LiveMarketWriter,
    private readonly publisher: MarketDataPublisher,
  ) {}

  begin(trigger: RunTrigger, reason?: string): Promise<IngestionRunEntity> {
    return this.runs.startRun(this.binance.name, trigger, {
      job: KLINES_JOB,
      ...(reason ? { reason } : {}),
    });
  }

  /** Catches up every tracked symbol (or those given) and records the run. */
  async execute(
    run: IngestionRunEntity,
    symbols: readonly string[] = this.binance.symbols,
  ): Promise<IngestionRunEntity> {
    const signal = AbortSignal.timeout(RUN_TIMEOUT_MS);
    const outcomes = new Map<string, SymbolOutcome>();
    const queue = [...symbols];
    const worker = async () => {
      for (let symbol = queue.shift(); symbol !== undefined; symbol = queue.shift()) {
        outcomes.set(symbol, await this.catchUpSymbol(symbol, run.id, signal));
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const all = [...outcomes.values()];
    const failed = [...outcomes].filter(([, o]) => o.error);
    if (failed.length === 0) this.outage.recovered();
    const rejected = all.flatMap((o) => o.rejected);
    const sum = (pick: (o: SymbolOutcome) => number) => all.reduce((n, o) => n + pick(o), 0);
    return this.runs.finishRun(run, {
      status:
        failed.length === symbols.length && symbols.length > 0
          ? 'failed'
          : failed.length > 0 || rejected.length > 0
            ? 'partial'
            : 'success',
      fetchedCount: sum((o) => o.fetched),
      createdCount: sum((o) => o.created),
      updatedCount: sum((o) => o.updated),
      skippedCount: rejected.length,
      driftCount: rejected.filter((r) => r.reason.startsWith('schema drift')).length,
      error: failed.length > 0 ? failed.map(([s, o]) => `${s}: ${o.error}`).join('; ') : null,
      details: {
        symbols: Object.fromEntries(
          [...outcomes].map(([s, o]) => [
            s,
            { fetched: o.fetched, through: o.through ? new Date(o.through).toISOString() : null },
          ]),
        ),
        rejected: rejected.slice(0, 100),
      },
    });
  }

  /** The schedule catches up ten seconds into every minute (IngestionScheduler.syncKlines). */
  private retry(): string {
    if (!this.config.ingestion.schedule) return 'retried when the live stream reconnects';
    return nextAttemptAt(Math.floor(Date.now() / MINUTE) * MINUTE + MINUTE + 10_000);
  }

  private async catchUpSymbol(
    symbol: string,
    runId: string,
    signal: AbortSignal,
  ): Promise<SymbolOutcome> {
    const outcome: SymbolOutcome = { fetched: 0, created: 0, updated: 0, rejected: [] };
    try {
      let start = await this.startOf(symbol);
      // Pages are written in batches: fewer, larger transactions (and roll-up refreshes).
      let pending: Kline[] = [];
      const write = async () => {
        if (pending.length === 0) return;
        const written = await this.store(symbol, pending);
        outcome.created += written.created;
        outcome.updated += written.updated;
        if (written.through !== undefined) outcome.through = written.through;
        pending = [];
      };
      try {
        for (let page = 0; page < MAX_PAGES_PER_SYMBOL; page++) {
          const fetched = await readKlinePage(
            this.binance,
            this.runs,
            { symbol, start, runId },
            outcome,
            signal,
          );
          const klines = fetched.klines.filter((k) => k.openTime >= start);
          if (klines.length === 0) break;
          pending.push(...klines);
          start = klines[klines.length - 1].openTime + MINUTE;
          if (fetched.rows < KLINES_PAGE_SIZE) break;
          if (pending.length >= ROWS_PER_TRANSACTION) await write();
        }
      } finally {
        // What was fetched before a failure is kept, with its checkpoint.
        await write();
      }
    } catch (error) {
      const failure = classifyRunFailure(error);
      outcome.error = failure.publicMessage;
      if (failure.kind === RunFailureKind.Internal)
        this.logger.error(`${symbol} klines: ${failure.detail}`);
      this.outage.failed(`${symbol}: ${failure.detail}`, this.retry());
    }
    return outcome;
  }

  /**
   * Where a symbol's catch-up starts: after its last closed minute stored; for a first
   * catch-up, BINANCE_BACKFILL_MINUTES before now — remembered in the checkpoint before the
   * first page is fetched, so a first catch-up killed before its first commit completes the
   * range it began instead of starting again from a later "now".
   */
  private async startOf(symbol: string): Promise<number> {
    const key = checkpointKey(symbol);
    const cursor = (await this.runs.findCheckpoint(this.binance.name, key))?.cursor;
    const last = Number(cursor?.last_closed_open_time);
    if (Number.isFinite(last)) return last + MINUTE;
    const planned = Number(cursor?.backfill_from);
    if (Number.isFinite(planned)) return planned;
    const start =
      Math.floor(Date.now() / MINUTE) * MINUTE -
      this.config.ingestion.binance.backfillMinutes * MINUTE;
    await this.dataSource.transaction((manager) =>
      this.runs.saveCheckpoint(manager, this.binance.name, key, { backfill_from: start }),
    );
    return start;
  }

  /**
   * Pages of klines (oldest first): candles, the asset's current values (from the newest
   * kline, unless the live stream already wrote newer ones) and the checkpoint in one
   * transaction; then the publisher (the newest candle only: a page is not streamed
   * candle by candle). Returns the rows created and changed, and the newest closed minute
   * stored.
   */
  async store(
    symbol: string,
    klines: Kline[],
  ): Promise<{ created: number; updated: number; through?: number }> {
    const now = Date.now();
    const closed = klines.filter((k) => k.closeTime < now);
    const through = closed.length > 0 ? closed[closed.length - 1].openTime : undefined;
    const candles = klines.map((k) => ({ ...k, symbol, isClosed: k.closeTime < now }));
    const newest = klines[klines.length - 1];
    const { written, change } = await this.dataSource.transaction(async (manager) => {
      await asynchronousCommit(manager);
      const ids = await this.assets.findOrCreateIds(
        [{ symbol, name: assetName(symbol), source: this.binance.name }],
        manager,
      );
      const result = await this.writer.write(manager, this.binance.name, ids, candles, [
        { symbol, price: newest.close, time: Math.min(newest.closeTime, now) },
      ]);
      if (through !== undefined) {
        await this.runs.saveCheckpoint(manager, this.binance.name, checkpointKey(symbol), {
          last_closed_open_time: through,
        });
      }
      return result;
    });
    await this.publisher.publish({ ...change, candles: change.candles?.slice(-1) });
    return { ...written, through };
  }
}
