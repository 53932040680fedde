import { Injectable } from '@nestjs/common';
import type { HealthDto } from '../health/dto/health.dto';
import { HealthService } from '../health/health.service';
import type { IngestionRunDto, IngestionStatsDto } from '../ingestion/dto/ingestion.dto';
import { IngestionRunsService } from '../ingestion/ingestion-runs.service';

export interface OpsDto {
  /** /health: every dependency, with timings, and ingestion freshness per source. */
  health: HealthDto;
  /** The newest runs, newest first. */
  runs: IngestionRunDto[];
  /** The newest failed runs, with their error. */
  failures: IngestionRunDto[];
  /** Per source: last run, last success and failure, counts. */
  stats: IngestionStatsDto;
  generated_at: string;
}

/**
 * The operations view's data: what /health, /api/v1/ingestion/runs and /stats answer, in
 * one read. Those answers carry no secret (provider keys and URLs with credentials never
 * reach a run record or a health body).
 */
@Injectable()
export class OpsService {
  constructor(
    private readonly health: HealthService,
    private readonly runs: IngestionRunsService,
  ) {}

  async snapshot(requestId: string): Promise<OpsDto> {
    const report = await this.health.report(requestId);
    const runs = await this.runs.list({ limit: 20 });
    const failures = await this.runs.list({ status: 'failed', limit: 10 });
    const stats = await this.runs.stats();
    return { health: report.body, runs, failures, stats, generated_at: new Date().toISOString() };
  }
}
