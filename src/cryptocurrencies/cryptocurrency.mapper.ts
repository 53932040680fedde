import { toNumberOrNull } from '../common/dto/numbers';
import { convert, convertChange, convertPriceChange } from '../currencies/conversion';
import { USD_QUOTE, type Quote } from '../currencies/quote-converter';
import type { CryptocurrencyDetailDto, CryptocurrencyDto } from './dto/cryptocurrency.dto';
import type { AssetEntity } from './entities/asset.entity';

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);
const HOUR_MS = 3_600_000;

/**
 * An asset in the quote currency: current amounts at the current rate, ATH and ATL at the
 * rate of their own day, changes restated against the rate at the start of their window.
 */
export function mapCryptocurrency(asset: AssetEntity, quote: Quote = USD_QUOTE): CryptocurrencyDto {
  const { rates } = quote;
  const nowMs = Date.now();
  const now = rates.now(nowMs);
  const ago = (hours: number) => rates.at(nowMs - hours * HOUR_MS);
  const on = (date: Date | null) => (date ? rates.at(date.getTime()) : rates.isIdentity ? 1 : null);
  const change = (percent: string | null, hours: number) =>
    rates.isIdentity ? toNumberOrNull(percent) : convertChange(percent, now, ago(hours));
  return {
    symbol: asset.symbol,
    name: asset.name,
    slug: asset.slug,
    image: asset.imageUrl,
    current_price: convert(asset.currentPrice, now),
    market_cap: convert(asset.marketCap, now),
    market_cap_rank: asset.marketCapRank,
    fully_diluted_valuation: convert(asset.fullyDilutedValuation, now),
    total_volume: convert(asset.totalVolume, now),
    high_24h: convert(asset.high24h, now),
    low_24h: convert(asset.low24h, now),
    price_change_24h: rates.isIdentity
      ? toNumberOrNull(asset.priceChange24h)
      : convertPriceChange(asset.currentPrice, asset.priceChange24h, now, ago(24)),
    price_change_percentage_1h: change(asset.priceChangePercentage1h, 1),
    price_change_percentage_24h: change(asset.priceChangePercentage24h, 24),
    price_change_percentage_7d: change(asset.priceChangePercentage7d, 7 * 24),
    price_change_percentage_30d: change(asset.priceChangePercentage30d, 30 * 24),
    circulating_supply: toNumberOrNull(asset.circulatingSupply),
    total_supply: toNumberOrNull(asset.totalSupply),
    max_supply: toNumberOrNull(asset.maxSupply),
    ath: convert(asset.ath, on(asset.athDate)),
    ath_date: iso(asset.athDate),
    atl: convert(asset.atl, on(asset.atlDate)),
    atl_date: iso(asset.atlDate),
    source: asset.source,
    last_updated: iso(asset.lastUpdated),
  };
}

export function mapCryptocurrencyDetail(
  asset: AssetEntity,
  quote: Quote = USD_QUOTE,
): CryptocurrencyDetailDto {
  return {
    ...mapCryptocurrency(asset, quote),
    vs_currency: quote.currency.code,
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
