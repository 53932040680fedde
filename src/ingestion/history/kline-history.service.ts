import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { AssetsRepository } from '../../cryptocurrencies/assets.repository';
import { asynchronousCommit } from '../../database/asynchronous-commit';
import { CandlesRepository } from '../../price-history/candles.repository';
import { MarketDataPublisher } from '../../price-history/market-data.publisher';
import type { IngestionRunEntity, RunTrigger } from '../entities/ingestion-run.entity';
import { IngestionRepository } from '../ingestion.repository';
import { assetName } from '../known-assets';
import { BinanceProvider, KLINES_PAGE_SIZE, type Kline } from '../providers/binance.provider';
import type { RejectedRecord } from '../providers/market-data-provider';
import { readKlinePage } from '../live/kline-pages';
import { RunFailureKind, classifyRunFailure } from '../run-failure';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export type HistoryInterval = '1h' | '1d';
const WIDTH: Record<HistoryInterval, number> = { '1h': HOUR, '1d': DAY };
export const KLINE_HISTORY_JOB = 'klines-history';
/** A slice never runs into the next minute's. */
const SLICE_TIMEOUT_MS = 50_000;

export const historyCheckpointKey = (interval: HistoryInterval, symbol: string) =>
  `klines-${interval}:${symbol}`;

interface Task {
  symbol: string;
  interval: HistoryInterval;
  /** Open time of the first kline not stored yet. */
  start: number;
}

interface Progress {
  pages: number;
  fetched: number;
  created: number;
  updated: number;
  rejected: RejectedRecord[];
  errors: string[];
  through: Record<string, string>;
}

/**
 * Binance daily klines of every tracked pair back to its first trading day, and hourly klines
 * for BINANCE_HOURLY_HISTORY_DAYS, stored as direct daily/hourly candles (beside the roll-ups
 * of 1-minute data; docs/market-data.md). Each (symbol, interval) has its own checkpoint, the
 * open time of the first kline not stored, written in the transaction of the page it follows,
 * so it is never ahead of the data and a restart resumes where it stopped. Work is done in
 * slices of at most BINANCE_HISTORY_PAGES_PER_MINUTE pages a minute (the schedule runs one a
 * minute), daily first: a fresh start backfills within its share of the request weight
 * without starving the 1-minute catch-up and the live stream. Once caught up, a slice fetches
 * only the klines closed since.
 */
@Injectable()
export class KlineHistoryService {
  private readonly logger = new Logger(KlineHistoryService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly binance: BinanceProvider,
    private readonly dataSource: DataSource,
    private readonly runs: IngestionRepository,
    private readonly assets: AssetsRepository,
    private readonly candles: CandlesRepository,
    private readonly publisher: MarketDataPublisher,
  ) {}

  /** The (symbol, interval) pairs with a closed kline not stored yet, daily first. */
  async pending(now = Date.now()): Promise<Task[]> {
    const { daily, hourlyDays } = this.config.ingestion.binance.history;
    const intervals: HistoryInterval[] = [
      ...(daily ? (['1d'] as const) : []),
      ...(hourlyDays > 0 ? (['1h'] as const) : []),
    ];
    const tasks: Task[] = [];
    for (const interval of intervals) {
      const width = WIDTH[interval];
      // Binance answers startTime=0 from the pair's first kline.
      const earliest = interval === '1d' ? 0 : Math.floor(now / HOUR) * HOUR - hourlyDays * DAY;
      for (const symbol of this.binance.symbols) {
        const cursor = (
          await this.runs.findCheckpoint(this.binance.name, historyCheckpointKey(interval, symbol))
        )?.cursor;
        const next = Number(cursor?.next_open_time);
        const start = Math.max(Number.isFinite(next) ? next : earliest, earliest);
        if (start + width <= now) tasks.push({ symbol, interval, start });
      }
    }
    return tasks;
  }

  /**
   * One slice of the backfill: up to BINANCE_HISTORY_PAGES_PER_MINUTE pages over the due
   * pairs, recorded as one run; null when nothing was due (no run recorded).
   */
  async runSlice(trigger: RunTrigger, now = Date.now()): Promise<IngestionRunEntity | null> {
    const tasks = await this.pending(now);
    if (tasks.length === 0) return null;
    const run = await this.runs.startRun(this.binance.name, trigger, { job: KLINE_HISTORY_JOB });
    const signal = AbortSignal.timeout(SLICE_TIMEOUT_MS);
    const progress: Progress = {
      pages: 0,
      fetched: 0,
      created: 0,
      updated: 0,
      rejected: [],
      errors: [],
      through: {},
    };
    const budget = this.config.ingestion.binance.history.pagesPerMinute;
    for (const task of tasks) {
      if (progress.pages >= budget) break;
      try {
        await this.backfill(task, run.id, budget, progress, signal);
      } catch (error) {
        const failure = classifyRunFailure(error);
        progress.errors.push(`${task.symbol} ${task.interval}: ${failure.publicMessage}`);
        if (failure.kind === RunFailureKind.Internal) {
          this.logger.error(`${task.symbol} ${task.interval} klines: ${failure.detail}`);
        }
        if (failure.kind === RunFailureKind.CircuitOpen || failure.kind === RunFailureKind.Database)
          break;
      }
    }
    const remaining = (await this.pending(Date.now())).length;
    return this.runs.finishRun(run, {
      status:
        progress.errors.length > 0 && progress.pages === 0
          ? 'failed'
          : progress.errors.length > 0 || progress.rejected.length > 0
            ? 'partial'
            : 'success',
      fetchedCount: progress.fetched,
      createdCount: progress.created,
      updatedCount: progress.updated,
      skippedCount: progress.rejected.length,
      driftCount: progress.rejected.filter((r) => r.reason.startsWith('schema drift')).length,
      error: progress.errors.length > 0 ? progress.errors.join('; ') : null,
      details: {
        job: KLINE_HISTORY_JOB,
        pages: progress.pages,
        through: progress.through,
        pending: remaining,
        rejected: progress.rejected.slice(0, 100),
      },
    });
  }

  /** Pages of one pair forward from its checkpoint, while the slice's budget lasts. */
  private async backfill(
    task: Task,
    runId: string,
    budget: number,
    progress: Progress,
    signal: AbortSignal,
  ): Promise<void> {
    const width = WIDTH[task.interval];
    let start = task.start;
    while (progress.pages < budget) {
      const fetched = await readKlinePage(
        this.binance,
        this.runs,
        { symbol: task.symbol, start, interval: task.interval, runId },
        progress,
        signal,
      );
      progress.pages++;
      const now = Date.now();
      // Only closed klines: the open bucket is the 1-minute roll-up's until it closes.
      const closed = fetched.klines.filter(
        (k) => k.openTime >= start && k.closeTime < now && k.openTime % width === 0,
      );
      if (closed.length === 0) return;
      const next = closed[closed.length - 1].openTime + width;
      const written = await this.store(task, closed, next);
      progress.created += written.created;
      progress.updated += written.updated;
      progress.through[`${task.symbol} ${task.interval}`] = new Date(next - width).toISOString();
      start = next;
      if (fetched.rows < KLINES_PAGE_SIZE || start + width > now) return;
    }
  }

  /** A page's candles and the pair's advanced checkpoint, in one transaction. */
  private async store(
    task: Task,
    klines: Kline[],
    next: number,
  ): Promise<{ created: number; updated: number }> {
    const written = await this.dataSource.transaction(async (manager) => {
      await asynchronousCommit(manager);
      const ids = await this.assets.findOrCreateIds(
        [{ symbol: task.symbol, name: assetName(task.symbol), source: this.binance.name }],
        manager,
      );
      const assetId = ids.get(task.symbol)!;
      const counts = await this.candles.upsertDirect(
        task.interval,
        klines.map((k) => ({
          assetId,
          openTime: new Date(k.openTime),
          source: this.binance.name,
          open: k.open,
          high: k.high,
          low: k.low,
          close: k.close,
          volume: k.volume,
          quoteVolume: k.quoteVolume,
          tradeCount: k.tradeCount,
          isClosed: true,
        })),
        manager,
      );
      await this.runs.saveCheckpoint(
        manager,
        this.binance.name,
        historyCheckpointKey(task.interval, task.symbol),
        { next_open_time: next },
      );
      return counts;
    });
    await this.publisher.publish({ symbols: [task.symbol] });
    return written;
  }
}
