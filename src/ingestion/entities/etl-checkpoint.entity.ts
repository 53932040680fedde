import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Where a source's ingestion stands (e.g. the last payload or kline time per symbol). */
@Entity({ name: 'etl_checkpoints' })
export class EtlCheckpointEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  source!: string;

  @PrimaryColumn({ type: 'varchar', length: 100, default: '' })
  key!: string;

  @Column({ type: 'jsonb' })
  cursor!: Record<string, unknown>;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
