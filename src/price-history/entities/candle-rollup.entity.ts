import { AssetEntity } from '../../cryptocurrencies/entities/asset.entity';
import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

/** Hourly and daily candles, derived from the 1-minute ones whenever those change. */
@Entity({ name: 'candle_rollups' })
@Check('candle_rollups_timeframe_check', `timeframe IN ('1h', '1d')`)
export class CandleRollupEntity {
  @PrimaryColumn({ name: 'asset_id', type: 'integer' })
  assetId!: number;

  @ManyToOne(() => AssetEntity, { onDelete: 'CASCADE', createForeignKeyConstraints: true })
  @JoinColumn({ name: 'asset_id', foreignKeyConstraintName: 'candle_rollups_asset_id_fkey' })
  asset?: AssetEntity;

  @PrimaryColumn({ type: 'varchar', length: 4 })
  timeframe!: '1h' | '1d';

  @PrimaryColumn({ name: 'open_time', type: 'timestamptz' })
  openTime!: Date;

  @PrimaryColumn({ type: 'varchar', length: 32 })
  source!: string;

  @Column({ type: 'numeric' })
  open!: string;

  @Column({ type: 'numeric' })
  high!: string;

  @Column({ type: 'numeric' })
  low!: string;

  @Column({ type: 'numeric' })
  close!: string;

  @Column({ type: 'numeric', default: 0 })
  volume!: string;

  @Column({ name: 'quote_volume', type: 'numeric', nullable: true })
  quoteVolume!: string | null;

  @Column({ name: 'trade_count', type: 'integer', default: 0 })
  tradeCount!: number;

  @Column({ name: 'is_closed', type: 'boolean', default: true })
  isClosed!: boolean;
}
