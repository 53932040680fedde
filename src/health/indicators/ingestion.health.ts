import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { AppConfig } from '../../config/app-config';
import { IngestionRepository } from '../../ingestion/ingestion.repository';
import { IngestionScheduler } from '../../ingestion/ingestion.scheduler';

export interface SourceFreshness {
  status: 'fresh' | 'stale' | 'pending';
  last_success: string | null;
  age_seconds: number | null;
}

/**
 * Freshness of each scheduled source: its last successful run must be younger than
 * INGESTION_STALE_AFTER_SECONDS, else /health is degraded (still 200: reads keep serving
 * the last data). A source that never succeeded is `pending` while the process is younger
 * than that threshold.
 */
@Injectable()
export class IngestionHealthIndicator {
  private readonly startedAt = Date.now();

  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly runs: IngestionRepository,
    private readonly scheduler: IngestionScheduler,
    private readonly config: AppConfig,
  ) {}

  async check(key: 'ingestion'): Promise<HealthIndicatorResult<'ingestion'>> {
    const session = this.indicators.check(key);
    const sources = this.scheduler.scheduledSources();
    if (!this.config.ingestion.schedule || sources.length === 0)
      return session.up({ message: 'not scheduled' });
    const result = await session
      .attempt(async () => {
        const successes = await this.runs.lastSuccesses();
        const limitMs = this.config.ingestion.staleAfterSeconds * 1_000;
        const now = Date.now();
        const freshness: Record<string, SourceFreshness> = {};
        for (const { name } of sources) {
          const last = successes.get(name);
          const age = last ? now - last.getTime() : null;
          freshness[name] = {
            status:
              age === null
                ? now - this.startedAt < limitMs
                  ? 'pending'
                  : 'stale'
                : age > limitMs
                  ? 'stale'
                  : 'fresh',
            last_success: last ? last.toISOString() : null,
            age_seconds: age === null ? null : Math.round(age / 1_000),
          };
        }
        return { sources: freshness };
      })
      .withTimeout(this.config.health.timeoutMs);
    const { status, ...details } = result[key];
    const sourcesState = (details as { sources?: Record<string, SourceFreshness> }).sources ?? {};
    const stale = Object.values(sourcesState).some((s) => s.status === 'stale');
    return status === 'up' && !stale
      ? result
      : session.degraded({ ...details, message: stale ? 'stale sources' : details.message });
  }
}
