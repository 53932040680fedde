import { OhlcvColumns } from './ohlcv.columns';
import { AssetEntity } from '../../cryptocurrencies/entities/asset.entity';
import { Check, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

/** Hourly and daily candles, derived from the 1-minute ones whenever those change. */
@Entity({ name: 'candle_rollups' })
@Check('candle_rollups_timeframe_check', `timeframe IN ('1h', '1d')`)
export class CandleRollupEntity extends OhlcvColumns {
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
}
