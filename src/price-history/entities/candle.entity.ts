import { OhlcvColumns } from './ohlcv.columns';
import { AssetEntity } from '../../cryptocurrencies/entities/asset.entity';
import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

/**
 * A 1-minute OHLCV candle (the base timeframe; everything coarser is rolled up from it).
 * The primary key makes re-ingesting the same minute an idempotent upsert.
 */
@Entity({ name: 'candles' })
export class CandleEntity extends OhlcvColumns {
  @PrimaryColumn({ name: 'asset_id', type: 'integer' })
  assetId!: number;

  // No foreign key (migration 1796152448606): CandlesRepository checks the assets once per
  // batch, and a trigger on assets deletes their candles.
  @ManyToOne(() => AssetEntity, { createForeignKeyConstraints: false })
  @JoinColumn({ name: 'asset_id' })
  asset?: AssetEntity;

  @PrimaryColumn({ name: 'open_time', type: 'timestamptz' })
  openTime!: Date;

  @PrimaryColumn({ type: 'varchar', length: 32 })
  source!: string;

  @Column({ type: 'numeric', nullable: true })
  vwap!: string | null;
}
