import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { AppConfig } from '../config/app-config';
import { AdvisoryLockService } from '../database/advisory-lock.service';
import { TimePartitions } from '../database/time-partitions';
import { IngestionJobsService } from './ingestion-jobs.service';
import { IngestionRepository } from './ingestion.repository';
import { IngestionService } from './ingestion.service';
import { KlineHistoryService } from './history/kline-history.service';
import { CoinGeckoHistoryService } from './history/coingecko-history.service';
import { KLINES_LOCK } from './live/binance-stream.service';
import { KLINES_JOB, KlineSyncService } from './live/kline-sync.service';

const MINUTE = 60_000;
const DAY = 86_400_000;

const slot = (now: number, width: number) => new Date(Math.floor(now / width) * width);

/**
 * The schedule (STYLE §9: schedulers decide, workers do). Each handler only picks what to
 * sync and for which slot; IngestionJobsService takes the lock and records the run. Every
 * instance schedules; a job runs once per slot. The CSV source is a one-off import and is
 * not scheduled. Off with INGESTION_SCHEDULE=false.
 */
@Injectable()
export class IngestionScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(IngestionScheduler.name);
  private top50Timer?: NodeJS.Timeout;

  constructor(
    private readonly config: AppConfig,
    private readonly ingestion: IngestionService,
    private readonly jobs: IngestionJobsService,
    private readonly runs: IngestionRepository,
    private readonly locks: AdvisoryLockService,
    private readonly klines: KlineSyncService,
    private readonly klineHistory: KlineHistoryService,
    private readonly coingeckoHistory: CoinGeckoHistoryService,
    private readonly partitions: TimePartitions,
  ) {}

  /**
   * The top-50 job has a clock-aligned timer of its own rather than a cron expression, which
   * cannot say "every N seconds" for every N (INGESTION_TOP50_INTERVAL_SECONDS, 5 minutes by
   * default). Each wake-up claims the slot it was armed for, not the one `Date.now()` falls
   * in: a timer may fire a millisecond before the wall clock reaches its boundary.
   */
  onApplicationBootstrap(): void {
    if (!this.config.ingestion.schedule) return;
    const width = this.config.ingestion.top50IntervalMs;
    const arm = (at: number) => {
      this.top50Timer = setTimeout(
        () => {
          arm(at + width);
          void this.syncTop50(new Date(at));
        },
        Math.max(0, at - Date.now()),
      );
    };
    arm(slot(Date.now(), width).getTime() + width);
  }

  beforeApplicationShutdown(): void {
    clearTimeout(this.top50Timer);
  }

  syncTop50(slotStart = slot(Date.now(), this.config.ingestion.top50IntervalMs)): Promise<void> {
    return this.syncListings('top-50', 50, slotStart);
  }

  /** Two minutes past the hour, clear of the 5-minute job's lock. */
  @Cron('0 2 * * * *', { name: 'ingestion:top-200' })
  syncTop200(): Promise<void> {
    return this.syncListings('top-200', 200, slot(Date.now(), 60 * MINUTE));
  }

  /**
   * Ten seconds into every minute (the previous minute has closed at Binance by then): the
   * tracked symbols' klines from their checkpoints, so candles have no holes even when no
   * stream runs here.
   */
  @Cron('10 * * * * *', { name: 'ingestion:binance-klines' })
  async syncKlines(): Promise<void> {
    if (!this.config.ingestion.schedule || !this.config.ingestion.providers.includes('binance'))
      return;
    try {
      await this.jobs.runScheduledJob(
        KLINES_LOCK,
        'binance',
        KLINES_JOB,
        slot(Date.now(), MINUTE),
        async () => this.klines.execute(await this.klines.begin('schedule')),
      );
    } catch (error) {
      this.logger.warn(`klines not run: ${String(error)}`);
    }
  }

  /**
   * Forty seconds into every minute, clear of the 1-minute catch-up: a bounded slice of the
   * daily and hourly kline history (one instance at a time; no run when nothing is due).
   */
  @Cron('40 * * * * *', { name: 'ingestion:binance-history' })
  async syncKlineHistory(): Promise<void> {
    if (!this.config.ingestion.schedule || !this.config.ingestion.providers.includes('binance'))
      return;
    try {
      await this.locks.withLock('ingestion:binance-history', () =>
        this.klineHistory.runSlice('schedule'),
      );
    } catch (error) {
      this.logger.warn(`kline history not run: ${String(error)}`);
    }
  }

  /** Fifty seconds into every minute: a few CoinGecko daily market charts (no run when none is due). */
  @Cron('50 * * * * *', { name: 'ingestion:coingecko-history' })
  async syncCoinGeckoHistory(): Promise<void> {
    if (!this.config.ingestion.schedule || !this.config.ingestion.providers.includes('coingecko'))
      return;
    try {
      await this.locks.withLock('ingestion:coingecko-history', () =>
        this.coingeckoHistory.runSlice('schedule'),
      );
    } catch (error) {
      this.logger.warn(`CoinGecko history not run: ${String(error)}`);
    }
  }

  /**
   * Daily storage upkeep: retention (old monthly partitions dropped, the boundary month's
   * old rows deleted), then the partitions of this month and the next ones created ahead,
   * so live writes never have to create one.
   */
  @Cron('0 30 3 * * *', { name: 'ingestion:retention' })
  async retention(): Promise<void> {
    if (!this.config.ingestion.schedule) return;
    const before = new Date(Date.now() - this.config.ingestion.retentionDays * DAY);
    const outcome = await this.locks.withLock('ingestion:retention', async () => ({
      ...(await this.runs.deleteHistoryBefore(before)),
      partitions: await this.partitions.createAhead(),
    }));
    if (outcome.acquired) {
      const { snapshots, candles, partitions } = outcome.result;
      this.logger.log(
        `retention: deleted ${snapshots} snapshots and ${candles} candles (large months estimated); ${partitions} partitions created ahead`,
      );
    }
  }

  /** Runs whose process died (another instance, or this one before a restart) get an outcome. */
  @Cron('30 */5 * * * *', { name: 'ingestion:interrupted-runs' })
  async closeInterruptedRuns(): Promise<void> {
    if (!this.config.ingestion.schedule) return;
    await this.jobs.closeInterruptedRuns();
  }

  /** The sources a schedule covers: every enabled one but the CSV import. */
  scheduledSources() {
    return this.ingestion.enabledProviders().filter((p) => p.name !== 'csv');
  }

  private async syncListings(job: string, limit: number, slotStart: Date): Promise<void> {
    if (!this.config.ingestion.schedule) return;
    for (const provider of this.scheduledSources()) {
      try {
        const run = await this.jobs.runScheduled(provider.name, job, slotStart, limit);
        // Failures are the service's to log, once per outage.
        if (run) this.logger.debug(`${job} ${provider.name}: ${run.status}`);
      } catch (error) {
        this.logger.warn(`${job} ${provider.name} not run: ${String(error)}`);
      }
    }
  }
}
