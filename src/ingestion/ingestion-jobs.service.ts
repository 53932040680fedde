import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { AppException } from '../common/errors/app.exception';
import { ErrorCode } from '../common/errors/error-code';
import {
  IdempotencyService,
  type IdempotentResponse,
} from '../common/idempotency/idempotency.service';
import { AppConfig } from '../config/app-config';
import type { ProviderName } from '../config/ingestion-environment';
import { AdvisoryLockService } from '../database/advisory-lock.service';
import { DatabaseServer } from '../database/database-server';
import type { SyncResultDto } from './dto/sync.dto';
import type { IngestionRunEntity, RunTrigger } from './entities/ingestion-run.entity';
import { mapSyncResult } from './ingestion.mapper';
import { IngestionRepository } from './ingestion.repository';
import { IngestionService } from './ingestion.service';
import { runFailedException } from './run-failure';

/** A manual sync: which source, how many records, and whether to wait for the run's end. */
export interface SyncRequest {
  /** A provider name, checked against the enabled ones when the run starts. */
  provider?: string;
  limit?: number;
  wait?: boolean;
}

/** What a manual sync answers: its status and body, and whether it replays a stored answer. */
export interface SyncAnswer {
  status: number;
  body: SyncResultDto;
  replayed: boolean;
}

/**
 * Decides when runs happen and keeps them single: every run of a source holds that
 * source's advisory lock (so instances never ingest one source twice at once), runs in the
 * background are tracked, and shutdown waits for them so none is left half-recorded.
 * SYNC_ON_STARTUP starts one run per enabled source in the background: the service is
 * ready before they end.
 */
/**
 * A run still `running` after this long is an orphan (its process died): fetches are bounded
 * by 2 minutes and every statement by DB_STATEMENT_TIMEOUT_MS.
 */
export const INTERRUPTED_RUN_AFTER_MS = 10 * 60_000;

@Injectable()
export class IngestionJobsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(IngestionJobsService.name);
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly config: AppConfig,
    private readonly ingestion: IngestionService,
    private readonly locks: AdvisoryLockService,
    private readonly runs: IngestionRepository,
    private readonly database: DatabaseServer,
    private readonly idempotency: IdempotencyService,
  ) {}

  onApplicationBootstrap(): void {
    // Embedded mode has one process: whatever is `running` from before this boot is dead.
    this.track(this.closeInterruptedRuns(this.database.isEmbedded ? 0 : INTERRUPTED_RUN_AFTER_MS));
    if (!this.config.ingestion.syncOnStartup) return;
    for (const provider of this.ingestion.enabledProviders()) {
      this.track(
        this.start(provider.name, 'startup').then(
          ({ done }) => done.then((run) => this.reportStartupRun(run)),
          (error: unknown) =>
            this.logger.log(`startup sync of ${provider.name} not started: ${String(error)}`),
        ),
      );
    }
  }

  /** One line per startup import that did something; a failed source is logged as an outage. */
  private reportStartupRun(run: IngestionRunEntity): void {
    if (run.status === 'failed' || run.status === 'skipped') {
      this.logger.debug(`startup sync of ${run.source}: ${run.status}`);
      return;
    }
    const seconds = ((run.durationMs ?? 0) / 1_000).toFixed(1);
    this.logger.log(
      `startup import of ${run.source}: ${run.fetchedCount} records, ${run.createdCount} created, ` +
        `${run.updatedCount} updated, ${run.skippedCount} rejected in ${seconds} s (${run.status})`,
    );
  }

  /**
   * Starts a run under the source's lock. Resolves once the run is recorded, with the run
   * and its completion; 409 when the source is already being ingested.
   */
  async start(
    name: ProviderName,
    trigger: RunTrigger,
    limit?: number,
  ): Promise<{ run: IngestionRunEntity; done: Promise<IngestionRunEntity> }> {
    const provider = this.ingestion.provider(name);
    let started!: (run: IngestionRunEntity) => void;
    const startedRun = new Promise<IngestionRunEntity>((resolve) => (started = resolve));
    const outcome = this.locks.withLock(`ingestion:${provider.name}`, async () => {
      const run = await this.ingestion.begin(provider.name, trigger);
      started(run);
      return this.ingestion.execute(run, limit);
    });
    this.track(outcome);
    const first = await Promise.race([startedRun, outcome]);
    if ('acquired' in first && !first.acquired) {
      throw new AppException(ErrorCode.Conflict, `A ${provider.name} sync is already running`);
    }
    const run = first as IngestionRunEntity;
    const done = outcome.then((o) => (o.acquired ? o.result : run));
    return { run, done };
  }

  /**
   * A manual sync (POST /sync): a run of the chosen source (default: the first enabled one).
   * With `wait` (default) the answer is the finished run, and a failed run is its problem
   * (runFailedException); without, a 202 naming the started run. With an Idempotency-Key a
   * retry replays the stored answer, except a 202 whose run failed or whose process died.
   */
  async sync(request: SyncRequest, idempotencyKey?: string): Promise<SyncAnswer> {
    const name = (request.provider ??
      this.ingestion.enabledProviders()[0]?.name ??
      'csv') as ProviderName;
    const wait = request.wait ?? true;
    const run = () => this.syncNow(name, request.limit, wait);
    if (!idempotencyKey) return { ...(await run()), replayed: false };
    const outcome = await this.idempotency.run(
      'sync',
      idempotencyKey,
      { provider: name, limit: request.limit ?? null, wait },
      run,
      (stored) => this.storedRunAlive(stored.body),
    );
    return outcome.replayed
      ? { status: outcome.status, body: outcome.body as SyncResultDto, replayed: true }
      : { ...outcome.result, replayed: false };
  }

  private async syncNow(
    name: ProviderName,
    limit: number | undefined,
    wait: boolean,
  ): Promise<IdempotentResponse<SyncResultDto>> {
    const { run, done } = await this.start(name, 'manual', limit);
    if (!wait) {
      // A key replays this 202 only while the run is alive or once it ended well.
      const settled = done.then(
        (finished) => finished.status !== 'failed',
        () => false,
      );
      return { status: 202, body: mapSyncResult(run), settled };
    }
    const finished = await done;
    if (finished.status === 'failed')
      throw runFailedException(finished, `Sync of ${finished.source}`);
    return { status: 200, body: mapSyncResult(finished) };
  }

  /** A stored 202 names its run: one that failed, or whose process died, is not replayed. */
  private async storedRunAlive(stored: unknown): Promise<boolean> {
    const runId = (stored as Partial<SyncResultDto> | null)?.run_id;
    return typeof runId !== 'string' || this.runAliveOrSucceeded(runId);
  }

  /**
   * A scheduled job's run of one source: every instance's cron fires, the advisory lock lets
   * one in, and a run already recorded for this slot (by any instance) makes it a no-op.
   */
  runScheduled(
    name: ProviderName,
    job: string,
    slotStart: Date,
    limit: number,
  ): Promise<IngestionRunEntity | null> {
    return this.runScheduledJob(`ingestion:${name}`, name, job, slotStart, async () =>
      this.ingestion.execute(await this.ingestion.begin(name, 'schedule', job), limit),
    );
  }

  /** Any scheduled job of a source: under `lock`, once per slot across instances. */
  async runScheduledJob(
    lock: string,
    source: ProviderName,
    job: string,
    slotStart: Date,
    work: () => Promise<IngestionRunEntity>,
  ): Promise<IngestionRunEntity | null> {
    const outcome = this.locks.withLock(lock, async () => {
      if (await this.runs.hasJobRunSince(source, job, slotStart)) return null;
      return work();
    });
    this.track(outcome);
    const result = await outcome;
    return result.acquired ? result.result : null;
  }

  /**
   * Whether a run may still be going or ended well: false once it is recorded as failed
   * (interrupted included), or while it is still `running` but nobody holds its source's
   * lock (its process died: PostgreSQL released the lock with the connection).
   */
  async runAliveOrSucceeded(id: string): Promise<boolean> {
    const run = await this.runs.findRun(id);
    if (!run) return true;
    if (run.status === 'failed') return false;
    return run.status !== 'running' || this.locks.isHeld(`ingestion:${run.source}`);
  }

  /** Marks runs left `running` by a dead process (started over `olderThanMs` ago) failed. */
  async closeInterruptedRuns(olderThanMs = INTERRUPTED_RUN_AFTER_MS): Promise<number> {
    try {
      const closed = await this.runs.failInterruptedRuns(new Date(Date.now() - olderThanMs));
      if (closed > 0) this.logger.warn(`${closed} interrupted run(s) recorded as failed`);
      return closed;
    } catch (error) {
      this.logger.warn(`interrupted runs not checked: ${String(error)}`);
      return 0;
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  private track(promise: Promise<unknown>): void {
    const tracked = promise.catch(() => undefined).finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }
}
