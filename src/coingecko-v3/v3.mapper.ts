// CoinGecko's response shapes, from the native mappers' converted values.
import type { CryptocurrencyDto } from '../cryptocurrencies/dto/cryptocurrency.dto';
import type { AssetEntity } from '../cryptocurrencies/entities/asset.entity';
import type { MarketCoinDto } from './dto/v3-responses';

/** A coin's id on this surface: CoinGecko's when its source gave one, else its symbol. */
export const coinIdOf = (asset: AssetEntity): string =>
  asset.coingeckoId ?? asset.symbol.toLowerCase();

/** `precision` (decimal places, or `full`/absent: as computed) applied to a price. */
export function rounder(precision: string | undefined): (value: number | null) => number | null {
  if (precision === undefined || precision === 'full') return (value) => value;
  const places = Number(precision);
  return (value) => (value === null ? null : Number(value.toFixed(places)));
}

/** How far the current price is from a reference (ATH, ATL), in percent. */
export const percentFrom = (current: number | null, reference: number | null): number | null =>
  current === null || reference === null || reference === 0
    ? null
    : (current / reference - 1) * 100;

/** A `/coins/markets` row from an asset in the quote currency (the native mapping, renamed). */
export function toMarketCoin(
  asset: AssetEntity,
  native: CryptocurrencyDto,
  round: (value: number | null) => number | null,
): MarketCoinDto {
  return {
    id: coinIdOf(asset),
    symbol: asset.symbol.toLowerCase(),
    name: asset.name,
    image: asset.imageUrl ?? '',
    current_price: round(native.current_price),
    market_cap: native.market_cap,
    market_cap_rank: native.market_cap_rank,
    fully_diluted_valuation: native.fully_diluted_valuation,
    total_volume: native.total_volume,
    high_24h: round(native.high_24h),
    low_24h: round(native.low_24h),
    price_change_24h: round(native.price_change_24h),
    price_change_percentage_24h: native.price_change_percentage_24h,
    // Not tracked: the service keeps no market cap of 24 h ago.
    market_cap_change_24h: null,
    market_cap_change_percentage_24h: null,
    circulating_supply: native.circulating_supply,
    total_supply: native.total_supply,
    max_supply: native.max_supply,
    ath: round(native.ath),
    ath_change_percentage: percentFrom(native.current_price, native.ath),
    ath_date: native.ath_date,
    atl: round(native.atl),
    atl_change_percentage: percentFrom(native.current_price, native.atl),
    atl_date: native.atl_date,
    roi: null,
    last_updated: native.last_updated ?? asset.updatedAt.toISOString(),
  };
}
