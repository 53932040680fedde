import { toNumberOrNull } from '../common/dto/numbers';
import type { CryptocurrencyDetailDto, CryptocurrencyDto } from './dto/cryptocurrency.dto';
import type { AssetEntity } from './entities/asset.entity';

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

export function mapCryptocurrency(asset: AssetEntity): CryptocurrencyDto {
  return {
    symbol: asset.symbol,
    name: asset.name,
    slug: asset.slug,
    image: asset.imageUrl,
    current_price: toNumberOrNull(asset.currentPrice),
    market_cap: toNumberOrNull(asset.marketCap),
    market_cap_rank: asset.marketCapRank,
    fully_diluted_valuation: toNumberOrNull(asset.fullyDilutedValuation),
    total_volume: toNumberOrNull(asset.totalVolume),
    high_24h: toNumberOrNull(asset.high24h),
    low_24h: toNumberOrNull(asset.low24h),
    price_change_24h: toNumberOrNull(asset.priceChange24h),
    price_change_percentage_1h: toNumberOrNull(asset.priceChangePercentage1h),
    price_change_percentage_24h: toNumberOrNull(asset.priceChangePercentage24h),
    price_change_percentage_7d: toNumberOrNull(asset.priceChangePercentage7d),
    price_change_percentage_30d: toNumberOrNull(asset.priceChangePercentage30d),
    circulating_supply: toNumberOrNull(asset.circulatingSupply),
    total_supply: toNumberOrNull(asset.totalSupply),
    max_supply: toNumberOrNull(asset.maxSupply),
    ath: toNumberOrNull(asset.ath),
    ath_date: iso(asset.athDate),
    atl: toNumberOrNull(asset.atl),
    atl_date: iso(asset.atlDate),
    source: asset.source,
    last_updated: iso(asset.lastUpdated),
  };
}

export function mapCryptocurrencyDetail(asset: AssetEntity): CryptocurrencyDetailDto {
  return {
    ...mapCryptocurrency(asset),
    description: asset.description,
    website: asset.website,
    provider_ids: {
      coingecko: asset.coingeckoId,
      coinmarketcap: asset.coinmarketcapId,
      coinpaprika: asset.coinpaprikaId,
    },
    is_active: asset.isActive,
    created_at: asset.createdAt.toISOString(),
  };
}
