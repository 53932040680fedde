import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { IngestionRunEntity } from './ingestion-run.entity';

/** A provider response exactly as fetched; identical payloads are stored once. */
@Entity({ name: 'raw_payloads' })
@Unique('uq_raw_payloads_source_checksum', ['source', 'checksum'])
export class RawPayloadEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'varchar', length: 32 })
  source!: string;

  @Column({ name: 'fetched_at', type: 'timestamptz', default: () => 'now()' })
  fetchedAt!: Date;

  @Column({ type: 'char', length: 64 })
  checksum!: string;

  @Column({ type: 'jsonb' })
  payload!: unknown;

  @Column({ name: 'run_id', type: 'uuid', nullable: true })
  runId!: string | null;

  @ManyToOne(() => IngestionRunEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'run_id', foreignKeyConstraintName: 'raw_payloads_run_id_fkey' })
  run?: IngestionRunEntity;
}
