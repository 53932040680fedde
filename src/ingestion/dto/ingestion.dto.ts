import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { IntegerParam, SourceParam } from '../../common/dto/query-params';
import {
  RUN_STATUSES,
  RUN_TRIGGERS,
  type RunStatus,
  type RunTrigger,
} from '../entities/ingestion-run.entity';

export class ListRunsQuery {
  @SourceParam('csv')
  source?: string;

  @ApiPropertyOptional({ enum: RUN_STATUSES })
  @IsOptional()
  @IsIn(RUN_STATUSES, { message: `status must be one of: ${RUN_STATUSES.join(', ')}` })
  status?: RunStatus;

  @IntegerParam(1, 100, { default: 20 })
  limit?: number;
}

export class IngestionRunDto {
  @ApiProperty({ example: '0b6f8f7e-2f5c-4f38-9a36-6a1f1e0c2b7d' })
  id!: string;

  @ApiProperty({ example: 'csv' })
  source!: string;

  @ApiProperty({ enum: RUN_TRIGGERS, example: 'startup' })
  trigger!: RunTrigger;

  @ApiProperty({ enum: RUN_STATUSES, example: 'success' })
  status!: RunStatus;

  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' })
  started_at!: string;

  @ApiProperty({ example: '2026-11-22T10:00:00.120Z', nullable: true, type: String })
  finished_at!: string | null;

  @ApiProperty({ example: 26, description: 'Records in the payload' })
  fetched!: number;

  @ApiProperty({ example: 25 })
  created!: number;

  @ApiProperty({ example: 0 })
  updated!: number;

  @ApiProperty({ example: 1, description: 'Records rejected (reasons in details.rejected)' })
  skipped!: number;

  @ApiProperty({ example: 0 })
  anomalies!: number;

  @ApiProperty({ example: 0 })
  drift!: number;

  @ApiProperty({ example: 120, nullable: true, type: Number })
  duration_ms!: number | null;

  @ApiProperty({ example: null, nullable: true, type: String })
  error!: string | null;

  @ApiProperty({
    example: { rejected: [{ at: 'line 7', reason: "price_usd 'abc' is not a valid number ≥ 0" }] },
  })
  details!: Record<string, unknown>;
}

export class SourceStatsDto {
  @ApiProperty({ example: 'csv' })
  source!: string;

  @ApiProperty({ enum: RUN_STATUSES, example: 'success', description: 'Status of the last run' })
  status!: RunStatus;

  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' })
  last_run!: string;

  @ApiProperty({ example: '2026-11-22T10:00:00.120Z', nullable: true, type: String })
  last_success!: string | null;

  @ApiProperty({ example: null, nullable: true, type: String })
  last_failure!: string | null;

  @ApiProperty({ example: 3 })
  total_runs!: number;

  @ApiProperty({ example: 3 })
  successful_runs!: number;

  @ApiProperty({ example: 0 })
  failed_runs!: number;

  @ApiProperty({ example: 25, description: 'Records created or updated, all runs' })
  records_processed!: number;

  @ApiProperty({ example: 95, nullable: true, type: Number })
  average_duration_ms!: number | null;
}

export class IngestionStatsDto {
  @ApiProperty({ example: 3, description: 'Raw payloads stored (identical ones once)' })
  raw_records!: number;

  @ApiProperty({ example: 75, description: 'Assets plus price snapshots' })
  normalized_records!: number;

  @ApiProperty({ type: [SourceStatsDto] })
  sources!: SourceStatsDto[];
}
