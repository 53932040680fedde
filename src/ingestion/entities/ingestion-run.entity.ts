import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const RUN_TRIGGERS = ['startup', 'schedule', 'manual', 'stream'] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];
export const RUN_STATUSES = ['running', 'success', 'partial', 'failed', 'skipped'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** One attempt to ingest one source: what was fetched, written, skipped, and how it ended. */
@Entity({ name: 'ingestion_runs' })
@Check('ingestion_runs_trigger_check', `trigger IN ('startup', 'schedule', 'manual', 'stream')`)
@Check(
  'ingestion_runs_status_check',
  `status IN ('running', 'success', 'partial', 'failed', 'skipped')`,
)
@Index('ix_ingestion_runs_source_started', ['source', 'startedAt'])
export class IngestionRunEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 32 })
  source!: string;

  @Column({ type: 'varchar', length: 16 })
  trigger!: RunTrigger;

  @Column({ type: 'varchar', length: 16 })
  status!: RunStatus;

  @Column({ name: 'started_at', type: 'timestamptz', default: () => 'now()' })
  startedAt!: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @Column({ name: 'fetched_count', type: 'integer', default: 0 })
  fetchedCount!: number;

  @Column({ name: 'created_count', type: 'integer', default: 0 })
  createdCount!: number;

  @Column({ name: 'updated_count', type: 'integer', default: 0 })
  updatedCount!: number;

  @Column({ name: 'skipped_count', type: 'integer', default: 0 })
  skippedCount!: number;

  @Column({ name: 'anomaly_count', type: 'integer', default: 0 })
  anomalyCount!: number;

  @Column({ name: 'drift_count', type: 'integer', default: 0 })
  driftCount!: number;

  @Column({ name: 'duration_ms', type: 'integer', nullable: true })
  durationMs!: number | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  /** Rejected records (with their reasons) and other run details. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  details!: Record<string, unknown>;
}
