import { AssetEntity } from '../../cryptocurrencies/entities/asset.entity';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

/** A point-in-time price of an asset as one source reported it. */
@Entity({ name: 'price_snapshots' })
@Index('ix_price_snapshots_timestamp', ['timestamp'])
export class PriceSnapshotEntity {
  @PrimaryColumn({ name: 'asset_id', type: 'integer' })
  assetId!: number;

  @ManyToOne(() => AssetEntity, { onDelete: 'CASCADE', createForeignKeyConstraints: true })
  @JoinColumn({ name: 'asset_id', foreignKeyConstraintName: 'price_snapshots_asset_id_fkey' })
  asset?: AssetEntity;

  @PrimaryColumn({ type: 'timestamptz' })
  timestamp!: Date;

  @PrimaryColumn({ type: 'varchar', length: 32 })
  source!: string;

  @Column({ type: 'numeric' })
  price!: string;

  @Column({ name: 'market_cap', type: 'numeric', nullable: true })
  marketCap!: string | null;

  @Column({ name: 'total_volume', type: 'numeric', nullable: true })
  totalVolume!: string | null;

  /** A jump or a disagreement with other sources: kept for review, not served as current. */
  @Column({ name: 'is_anomaly', type: 'boolean', default: false })
  isAnomaly!: boolean;

  @Column({ name: 'anomaly_reason', type: 'text', nullable: true })
  anomalyReason!: string | null;
}
