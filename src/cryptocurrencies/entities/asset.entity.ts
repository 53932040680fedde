import { Check, Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** One row per symbol. `numeric` columns arrive as strings; mappers turn them into numbers. */
@Entity({ name: 'assets' })
@Unique('uq_assets_symbol', ['symbol'])
@Check('ck_assets_symbol', `symbol ~ '^[A-Z0-9]{1,20}$'`)
// Sorted (DESC NULLS LAST) indexes are defined in the migration; TypeORM cannot express them.
@Index('ix_assets_market_cap', { synchronize: false })
@Index('ix_assets_total_volume', { synchronize: false })
@Index('ix_assets_rank', ['marketCapRank'])
export class AssetEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 20 })
  symbol!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  slug!: string | null;

  @Column({ name: 'coingecko_id', type: 'varchar', length: 200, nullable: true })
  coingeckoId!: string | null;

  @Column({ name: 'coinmarketcap_id', type: 'integer', nullable: true })
  coinmarketcapId!: number | null;

  @Column({ name: 'coinpaprika_id', type: 'varchar', length: 200, nullable: true })
  coinpaprikaId!: string | null;

  @Column({ name: 'market_cap_rank', type: 'integer', nullable: true })
  marketCapRank!: number | null;

  @Column({ name: 'current_price', type: 'numeric', nullable: true })
  currentPrice!: string | null;

  @Column({ name: 'market_cap', type: 'numeric', nullable: true })
  marketCap!: string | null;

  @Column({ name: 'fully_diluted_valuation', type: 'numeric', nullable: true })
  fullyDilutedValuation!: string | null;

  @Column({ name: 'total_volume', type: 'numeric', nullable: true })
  totalVolume!: string | null;

  @Column({ name: 'high_24h', type: 'numeric', nullable: true })
  high24h!: string | null;

  @Column({ name: 'low_24h', type: 'numeric', nullable: true })
  low24h!: string | null;

  @Column({ name: 'price_change_24h', type: 'numeric', nullable: true })
  priceChange24h!: string | null;

  @Column({ name: 'price_change_percentage_1h', type: 'numeric', nullable: true })
  priceChangePercentage1h!: string | null;

  @Column({ name: 'price_change_percentage_24h', type: 'numeric', nullable: true })
  priceChangePercentage24h!: string | null;

  @Column({ name: 'price_change_percentage_7d', type: 'numeric', nullable: true })
  priceChangePercentage7d!: string | null;

  @Column({ name: 'price_change_percentage_30d', type: 'numeric', nullable: true })
  priceChangePercentage30d!: string | null;

  @Column({ name: 'circulating_supply', type: 'numeric', nullable: true })
  circulatingSupply!: string | null;

  @Column({ name: 'total_supply', type: 'numeric', nullable: true })
  totalSupply!: string | null;

  @Column({ name: 'max_supply', type: 'numeric', nullable: true })
  maxSupply!: string | null;

  @Column({ type: 'numeric', nullable: true })
  ath!: string | null;

  @Column({ name: 'ath_date', type: 'timestamptz', nullable: true })
  athDate!: Date | null;

  @Column({ type: 'numeric', nullable: true })
  atl!: string | null;

  @Column({ name: 'atl_date', type: 'timestamptz', nullable: true })
  atlDate!: Date | null;

  @Column({ name: 'image_url', type: 'text', nullable: true })
  imageUrl!: string | null;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'text', nullable: true })
  website!: string | null;

  @Column({ name: 'is_active', type: 'boolean', default: true })
  isActive!: boolean;

  @Column({ type: 'varchar', length: 32 })
  source!: string;

  @Column({ name: 'last_updated', type: 'timestamptz', nullable: true })
  lastUpdated!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
