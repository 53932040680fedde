import type { IngestionRunDto, SourceStatsDto } from './dto/ingestion.dto';
import type { SyncResultDto } from './dto/sync.dto';
import type { IngestionRunEntity } from './entities/ingestion-run.entity';
import type { SourceStats } from './ingestion.repository';

const iso = (date: Date | string | null): string | null =>
  date ? new Date(date).toISOString() : null;

export function mapRun(run: IngestionRunEntity): IngestionRunDto {
  return {
    id: run.id,
    source: run.source,
    trigger: run.trigger,
    status: run.status,
    started_at: run.startedAt.toISOString(),
    finished_at: iso(run.finishedAt),
    fetched: run.fetchedCount,
    created: run.createdCount,
    updated: run.updatedCount,
    skipped: run.skippedCount,
    anomalies: run.anomalyCount,
    drift: run.driftCount,
    duration_ms: run.durationMs,
    error: run.error,
    details: run.details,
  };
}

export function mapSourceStats(stats: SourceStats): SourceStatsDto {
  return {
    ...stats,
    last_run: new Date(stats.last_run).toISOString(),
    last_success: iso(stats.last_success),
    last_failure: iso(stats.last_failure),
  };
}

/** What POST /sync answers: the run as started (202) or as finished (200). */
export function mapSyncResult(run: IngestionRunEntity): SyncResultDto {
  return {
    message:
      run.status === 'running'
        ? `Sync of ${run.source} started`
        : `Sync of ${run.source} finished: ${run.status}`,
    run_id: run.id,
    provider: run.source,
    status: run.status,
    created_count: run.createdCount,
    updated_count: run.updatedCount,
    skipped_count: run.skippedCount,
    duration_ms: run.durationMs,
    timestamp: (run.finishedAt ?? run.startedAt).toISOString(),
  };
}
