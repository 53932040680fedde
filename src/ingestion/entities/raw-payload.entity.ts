import {
  Check,
  Column,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import { IngestionRunEntity } from './ingestion-run.entity';

/**
 * A provider response exactly as fetched; identical payloads are stored once. As jsonb; as
 * the text received when jsonb refuses it (`\u0000`, a lone surrogate, deep nesting); or,
 * over 1 MiB, gzipped.
 */
@Entity({ name: 'raw_payloads' })
@Unique('uq_raw_payloads_source_checksum', ['source', 'checksum'])
@Check('ck_raw_payloads_one_form', 'num_nonnulls(payload, payload_text, payload_gzip) = 1')
export class RawPayloadEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'varchar', length: 32 })
  source!: string;

  @Column({ name: 'fetched_at', type: 'timestamptz', default: () => 'now()' })
  fetchedAt!: Date;

  @Column({ type: 'char', length: 64 })
  checksum!: string;

  @Column({ type: 'jsonb', nullable: true })
  payload!: unknown;

  @Column({ name: 'payload_text', type: 'text', nullable: true })
  payloadText!: string | null;

  /** A large payload, gzipped (read it with `gunzip`). */
  @Column({ name: 'payload_gzip', type: 'bytea', nullable: true })
  payloadGzip!: Buffer | null;

  @Column({ name: 'run_id', type: 'uuid', nullable: true })
  runId!: string | null;

  @ManyToOne(() => IngestionRunEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'run_id', foreignKeyConstraintName: 'raw_payloads_run_id_fkey' })
  run?: IngestionRunEntity;
}
