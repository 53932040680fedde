import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { DataSource, type EntityManager, type Repository } from 'typeorm';
import { asynchronousCommit } from '../database/asynchronous-commit';
import { isDatabaseUnavailable, isJsonbRefusal } from '../database/database-errors';
import { TimePartitions } from '../database/time-partitions';
import { EtlCheckpointEntity } from './entities/etl-checkpoint.entity';
import { printable, printableJson } from './providers/record-checks';
import {
  IngestionRunEntity,
  type RunStatus,
  type RunTrigger,
} from './entities/ingestion-run.entity';

export interface SourceStats {
  source: string;
  status: RunStatus;
  last_run: Date;
  last_success: Date | null;
  last_failure: Date | null;
  total_runs: number;
  successful_runs: number;
  failed_runs: number;
  records_processed: number;
  average_duration_ms: number | null;
}

/** How long a run's outcome waits for the database to come back before it is given up. */
const FINISH_RETRY_WINDOW_MS = 3_600_000;
const FINISH_RETRY_MAX_DELAY_MS = 30_000;

const gzipAsync = promisify(gzip);

/** Raw payloads larger than this are stored gzipped rather than as jsonb. */
const RAW_JSONB_MAX_CHARS = 1_048_576;

/** Runs, raw payloads and checkpoints: the bookkeeping of ingestion. */
@Injectable()
export class IngestionRepository implements BeforeApplicationShutdown {
  private readonly logger = new Logger(IngestionRepository.name);
  private readonly pendingOutcomes = new Map<string, NodeJS.Timeout>();
  private closing = false;

  constructor(
    @InjectRepository(IngestionRunEntity) private readonly runs: Repository<IngestionRunEntity>,
    private readonly dataSource: DataSource,
    private readonly partitions: TimePartitions,
  ) {}

  startRun(
    source: string,
    trigger: RunTrigger,
    details: Record<string, unknown> = {},
  ): Promise<IngestionRunEntity> {
    return this.runs.save(this.runs.create({ source, trigger, status: 'running', details }));
  }

  /**
   * Records a run's outcome. When the database is away (the usual reason a run failed), the
   * outcome is kept and written as soon as it is back, so no run stays `running`; the caller
   * gets the finished run at once either way. Runs whose process died meanwhile are closed
   * by `failInterruptedRuns`.
   */
  async finishRun(
    run: IngestionRunEntity,
    outcome: Partial<IngestionRunEntity>,
  ): Promise<IngestionRunEntity> {
    const finishedAt = new Date();
    if (outcome.error === null) run.error = null;
    Object.assign(run, outcome, {
      // Details and errors quote provider text: nothing in them may stop the run's record.
      details: printableJson({ ...run.details, ...outcome.details }),
      error: typeof outcome.error === 'string' ? printable(outcome.error) : run.error,
      finishedAt,
      durationMs: finishedAt.getTime() - run.startedAt.getTime(),
    });
    try {
      return await this.runs.save(run);
    } catch (error) {
      if (this.closing || !isDatabaseUnavailable(error)) throw error;
      this.logger.warn(`run ${run.id} (${run.status}) will be recorded when the database is back`);
      this.retryFinish(run, 1_000, Date.now() + FINISH_RETRY_WINDOW_MS);
      return run;
    }
  }

  private retryFinish(run: IngestionRunEntity, delayMs: number, deadline: number): void {
    const timer = setTimeout(() => {
      this.pendingOutcomes.delete(run.id);
      this.runs.save(run).then(
        () => this.logger.log(`run ${run.id} recorded as ${run.status} after the outage`),
        (error: unknown) => {
          if (!this.closing && Date.now() < deadline && isDatabaseUnavailable(error)) {
            this.retryFinish(run, Math.min(delayMs * 2, FINISH_RETRY_MAX_DELAY_MS), deadline);
          } else {
            this.logger.error(`run ${run.id} could not be recorded: ${String(error)}`);
          }
        },
      );
    }, delayMs);
    timer.unref();
    this.pendingOutcomes.set(run.id, timer);
  }

  /** Outcomes still waiting for the database (runs left `running` there until written). */
  get pendingOutcomeCount(): number {
    return this.pendingOutcomes.size;
  }

  beforeApplicationShutdown(): void {
    // Not written by now: the next start's failInterruptedRuns closes them.
    this.closing = true;
    for (const timer of this.pendingOutcomes.values()) clearTimeout(timer);
    this.pendingOutcomes.clear();
  }

  /**
   * Closes runs left `running` by a process that stopped before recording an outcome
   * (killed, or gave up waiting for the database): those started before `startedBefore`,
   * or all of them when no other process can be running one (embedded mode).
   */
  async failInterruptedRuns(startedBefore?: Date): Promise<number> {
    const [closed] = await this.dataSource.query<{ n: number }[]>(
      `WITH closed AS (UPDATE ingestion_runs
          SET status = 'failed',
              error = 'interrupted: the process running it stopped before recording an outcome',
              finished_at = now(),
              duration_ms = (extract(epoch FROM now() - started_at) * 1000)::int,
              details = details || '{"error_kind": "interrupted"}'::jsonb
        WHERE status = 'running' AND ($1::timestamptz IS NULL OR started_at < $1)
        RETURNING 1)
       SELECT count(*)::int AS n FROM closed`,
      [startedBefore ?? null],
    );
    return closed.n;
  }

  /** Whether a scheduled job already ran for this source since `since` (on any instance). */
  async hasJobRunSince(source: string, job: string, since: Date): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      `SELECT 1 FROM ingestion_runs WHERE source = $1 AND trigger = 'schedule' AND details->>'job' = $2
         AND started_at >= $3 LIMIT 1`,
      [source, job, since],
    );
    return rows.length > 0;
  }

  /** When each source last succeeded (success or partial). */
  async lastSuccesses(): Promise<Map<string, Date>> {
    const rows = await this.dataSource.query<{ source: string; at: Date }[]>(
      `SELECT source, max(finished_at) AS at FROM ingestion_runs
       WHERE status IN ('success', 'partial') GROUP BY source`,
    );
    return new Map(rows.map((r) => [r.source, new Date(r.at)]));
  }

  /**
   * Retention: snapshots and 1-minute candles older than `before` (their old monthly
   * partitions dropped whole, the boundary month's old rows deleted); returns rows removed.
   */
  async deleteHistoryBefore(before: Date): Promise<{ snapshots: number; candles: number }> {
    return {
      snapshots: await this.partitions.dropBefore('price_snapshots', before),
      candles: await this.partitions.dropBefore('candles', before),
    };
  }

  findRun(id: string): Promise<IngestionRunEntity | null> {
    return this.runs.findOneBy({ id });
  }

  findRuns(filter: {
    source?: string;
    status?: RunStatus;
    limit: number;
  }): Promise<IngestionRunEntity[]> {
    return this.runs.find({
      where: {
        ...(filter.source ? { source: filter.source } : {}),
        ...(filter.status ? { status: filter.status } : {}),
      },
      order: { startedAt: 'DESC' },
      take: filter.limit,
    });
  }

  /**
   * Stores a payload as fetched: the response text when the caller has it (stored and
   * checksummed as received, not serialised again), else the parsed payload. An identical
   * payload (same source and checksum) is kept once; returns whether this one was new. A
   * text jsonb refuses (`\u0000`, a lone surrogate, deep nesting) or that is not JSON (a CSV
   * file) is kept as text; one over 1 MiB gzipped.
   */
  async storeRawPayload(
    source: string,
    fetchedAt: Date,
    payload: unknown,
    runId: string,
    text?: string,
    textIsNotJson = false,
  ): Promise<boolean> {
    const json = text ?? serialise(payload);
    const checksum = createHash('sha256').update(json).digest('hex');
    const insert = (column: 'payload' | 'payload_text' | 'payload_gzip', value: string | Buffer) =>
      // Its own commit, before anything is normalised: kept even if the rest of the run fails.
      this.dataSource.transaction(async (manager) => {
        await asynchronousCommit(manager);
        return manager.query<unknown[]>(
          `INSERT INTO raw_payloads (source, fetched_at, checksum, ${column}, run_id)
           VALUES ($1, $2, $3, $4${column === 'payload' ? '::jsonb' : ''}, $5)
           ON CONFLICT (source, checksum) DO NOTHING RETURNING id`,
          [source, fetchedAt, checksum, value, runId],
        );
      });
    // A large payload (a bulk CSV) is gzipped here, on libuv's threads: parsing or
    // compressing megabytes inside the database held it (the only connection, in embedded
    // mode) for seconds.
    if (json.length > RAW_JSONB_MAX_CHARS) {
      return (await insert('payload_gzip', await gzipAsync(json))).length > 0;
    }
    if (textIsNotJson) return (await insert('payload_text', json)).length > 0;
    try {
      return (await insert('payload', json)).length > 0;
    } catch (error) {
      if (!isJsonbRefusal(error)) throw error;
      this.logger.warn(`a ${source} payload is kept as text: jsonb refused it`);
      return (await insert('payload_text', json)).length > 0;
    }
  }

  /** Written inside the data's transaction, so it only moves when the data commits. */
  async saveCheckpoint(
    manager: EntityManager,
    source: string,
    key: string,
    cursor: Record<string, unknown>,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO etl_checkpoints (source, key, cursor, updated_at) VALUES ($1, $2, $3::jsonb, now())
       ON CONFLICT (source, key) DO UPDATE SET cursor = EXCLUDED.cursor, updated_at = now()`,
      [source, key, JSON.stringify(cursor)],
    );
  }

  findCheckpoint(source: string, key = ''): Promise<EtlCheckpointEntity | null> {
    return this.dataSource.getRepository(EtlCheckpointEntity).findOneBy({ source, key });
  }

  async stats(): Promise<{
    rawRecords: number;
    normalizedRecords: number;
    sources: SourceStats[];
  }> {
    const [counts] = await this.dataSource.query<{ raw: string; normalized: string }[]>(
      `SELECT (SELECT count(*) FROM raw_payloads) AS raw,
              (SELECT count(*) FROM assets) + (SELECT count(*) FROM price_snapshots) AS normalized`,
    );
    const sources = await this.dataSource.query<(SourceStats & Record<string, unknown>)[]>(
      `SELECT source,
              (array_agg(status ORDER BY started_at DESC))[1] AS status,
              max(started_at) AS last_run,
              max(finished_at) FILTER (WHERE status IN ('success', 'partial')) AS last_success,
              max(finished_at) FILTER (WHERE status = 'failed') AS last_failure,
              count(*)::int AS total_runs,
              count(*) FILTER (WHERE status IN ('success', 'partial'))::int AS successful_runs,
              count(*) FILTER (WHERE status = 'failed')::int AS failed_runs,
              coalesce(sum(created_count + updated_count), 0)::int AS records_processed,
              round(avg(duration_ms))::int AS average_duration_ms
       FROM ingestion_runs GROUP BY source ORDER BY source`,
    );
    return {
      rawRecords: Number(counts.raw),
      normalizedRecords: Number(counts.normalized),
      sources,
    };
  }
}

/** JSON of a parsed payload; one too deep for JSON.stringify says so instead of failing the run. */
function serialise(payload: unknown): string {
  try {
    return JSON.stringify(payload);
  } catch (error) {
    return JSON.stringify({ unserialisable: (error as Error).message });
  }
}
