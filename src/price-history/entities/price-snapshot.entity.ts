import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A point-in-time price of an asset as one source reported it. */
@Entity({ name: 'price_snapshots' })
export class PriceSnapshotEntity {
  @PrimaryColumn({ name: 'asset_id', type: 'integer' })
  assetId!: number;

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
}
