import { OhlcvColumns } from './ohlcv.columns';
import { AssetEntity } from '../../cryptocurrencies/entities/asset.entity';
import { Check, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

/** Hourly and daily candles, derived from the 1-minute ones whenever those change. */
@Entity({ name: 'candle_rollups' })
@Check('candle_rollups_timeframe_check', `timeframe IN ('1h', '1d')`)
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
}
