import { OhlcvColumns } from './ohlcv.columns';
import { AssetEntity } from '../../cryptocurrencies/entities/asset.entity';
import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

/**
 * Hourly and daily candles: roll-ups of finer candles of the same source (re-derived whenever
 * those change) and candles a source delivered at that width, side by side (migration
 * 1796900000000; reads pick one per bucket, see CANDLE_PRECEDENCE).
 */
@Entity({ name: 'candle_rollups' })
@Check('candle_rollups_timeframe_check', `timeframe IN ('1h', '1d')`)
@Check('candle_rollups_origin_check', `origin IN ('rollup', 'direct')`)
@Check('candle_rollups_resolution_check', `resolution > 0`)
export class CandleRollupEntity extends OhlcvColumns {
  @PrimaryColumn({ name: 'asset_id', type: 'integer' })
  assetId!: number;

  // No foreign key (migration 1796152448606): CandlesRepository checks the assets once per
  // batch, and a trigger on assets deletes their candles.
  @ManyToOne(() => AssetEntity, { createForeignKeyConstraints: false })
  @JoinColumn({ name: 'asset_id' })
  asset?: AssetEntity;

  @PrimaryColumn({ type: 'varchar', length: 4 })
  timeframe!: '1h' | '1d';

  @PrimaryColumn({ name: 'open_time', type: 'timestamptz' })
  openTime!: Date;

  @PrimaryColumn({ type: 'varchar', length: 32 })
  source!: string;

  @PrimaryColumn({ type: 'varchar', length: 6, default: 'rollup' })
  origin!: 'rollup' | 'direct';

  /** Width in seconds of the finest data this candle was built from. */
  @Column({ type: 'integer', default: 60 })
  resolution!: number;

  /** Covers its whole bucket (an open bucket: up to now). */
  @Column({ type: 'boolean', default: true })
  complete!: boolean;
}
