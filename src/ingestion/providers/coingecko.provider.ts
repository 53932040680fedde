import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { SYMBOL_PATTERN } from '../../common/pipes/parse-symbol.pipe';
import type { AssetUpsert } from '../../cryptocurrencies/assets.repository';
import { ProviderHttpClient } from './http-client';
import type { FetchedPayload, MarketDataProvider, NormalisedBatch } from './market-data-provider';

const PAGE_SIZE = 250;
const DEFAULT_LIMIT = 100;
/** The public API allows about 30 calls a minute; stay under it. */
const REQUESTS_PER_MINUTE = 25;

type Coin = Record<string, unknown>;

/** Fields the documented `/coins/markets` format promises, and their JSON types. */
const EXPECTED: Record<string, 'string' | 'number'> = {
  id: 'string',
  symbol: 'string',
  name: 'string',
  current_price: 'number',
  market_cap: 'number',
  total_volume: 'number',
  last_updated: 'string',
};

const num = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;
const str = (value: unknown): string | null =>
  typeof value === 'string' && value.length > 0 ? value : null;
const date = (value: unknown): Date | null => {
  const text = str(value);
  const parsed = text ? new Date(text) : null;
  return parsed && !Number.isNaN(parsed.getTime()) ? parsed : null;
};

/**
 * CoinGecko `/coins/markets` (vs_currency=usd, by market cap, 250 a page), with the
 * 1h/24h/7d/30d changes. COINGECKO_API_KEY is sent as the demo or pro key header.
 */
@Injectable()
export class CoinGeckoProvider implements MarketDataProvider {
  readonly name = 'coingecko' as const;
  private readonly http: ProviderHttpClient;

  constructor(private readonly config: AppConfig) {
    this.http = new ProviderHttpClient({
      provider: 'CoinGecko',
      timeoutMs: config.ingestion.timeoutMs,
      requestsPerMinute: REQUESTS_PER_MINUTE,
    });
  }

  unavailableReason(): string | null {
    return null;
  }

  async fetch(signal: AbortSignal, limit = DEFAULT_LIMIT): Promise<FetchedPayload> {
    const { baseUrl, apiKey } = this.config.ingestion.coingecko;
    const headers: Record<string, string> = {};
    if (apiKey)
      headers[baseUrl.includes('pro-api') ? 'x-cg-pro-api-key' : 'x-cg-demo-api-key'] = apiKey;
    const coins: unknown[] = [];
    for (let page = 1; coins.length < limit; page++) {
      const url = new URL(`${baseUrl.replace(/\/$/, '')}/coins/markets`);
      url.search = new URLSearchParams({
        vs_currency: 'usd',
        order: 'market_cap_desc',
        per_page: String(Math.min(PAGE_SIZE, limit - coins.length)),
        page: String(page),
        price_change_percentage: '1h,24h,7d,30d',
        sparkline: 'false',
      }).toString();
      const body = await this.http.getJson(url, headers, signal);
      if (!Array.isArray(body)) throw new Error('CoinGecko GET /coins/markets: expected an array');
      coins.push(...(body as unknown[]));
      if (body.length < PAGE_SIZE) break;
    }
    return { source: this.name, fetchedAt: new Date(), payload: coins.slice(0, limit) };
  }

  normalise(fetched: FetchedPayload): NormalisedBatch {
    const batch: NormalisedBatch = { assets: [], snapshots: [], rejected: [], drift: [] };
    const drift = new Map<string, number>();
    const bySymbol = new Map<string, string>();
    (fetched.payload as unknown[]).forEach((item, index) => {
      const at = `item ${index}`;
      if (typeof item !== 'object' || item === null) {
        batch.rejected.push({ at, reason: 'not an object' });
        return;
      }
      const coin = item as Coin;
      const problems = Object.entries(EXPECTED).flatMap(([field, type]) =>
        !(field in coin)
          ? [`field ${field} is missing`]
          : coin[field] !== null && typeof coin[field] !== type
            ? [`field ${field} is ${typeof coin[field]}, expected ${type}`]
            : [],
      );
      if (problems.length > 0) {
        for (const problem of problems) drift.set(problem, (drift.get(problem) ?? 0) + 1);
        batch.rejected.push({ at, reason: `schema drift: ${problems.join('; ')}` });
        return;
      }
      const symbol = String(coin.symbol).toUpperCase();
      const price = num(coin.current_price);
      if (!SYMBOL_PATTERN.test(symbol))
        return void batch.rejected.push({
          at,
          reason: `symbol '${String(coin.symbol)}' is not usable`,
        });
      if (price === null || price < 0)
        return void batch.rejected.push({ at, reason: `${String(coin.id)} has no price` });
      const taken = bySymbol.get(symbol);
      if (taken)
        return void batch.rejected.push({
          at,
          reason: `${symbol} already belongs to ${taken}, which ranks higher`,
        });
      bySymbol.set(symbol, String(coin.id));
      const lastUpdated = date(coin.last_updated) ?? fetched.fetchedAt;
      const asset: AssetUpsert = {
        symbol,
        name: String(coin.name).slice(0, 200),
        source: this.name,
        slug: String(coin.id),
        coingeckoId: String(coin.id),
        imageUrl: str(coin.image),
        marketCapRank: num(coin.market_cap_rank),
        currentPrice: price,
        marketCap: num(coin.market_cap),
        fullyDilutedValuation: num(coin.fully_diluted_valuation),
        totalVolume: num(coin.total_volume),
        high24h: num(coin.high_24h),
        low24h: num(coin.low_24h),
        priceChange24h: num(coin.price_change_24h),
        priceChangePercentage1h: num(coin.price_change_percentage_1h_in_currency),
        priceChangePercentage24h:
          num(coin.price_change_percentage_24h_in_currency) ??
          num(coin.price_change_percentage_24h),
        priceChangePercentage7d: num(coin.price_change_percentage_7d_in_currency),
        priceChangePercentage30d: num(coin.price_change_percentage_30d_in_currency),
        circulatingSupply: num(coin.circulating_supply),
        totalSupply: num(coin.total_supply),
        maxSupply: num(coin.max_supply),
        ath: num(coin.ath),
        athDate: date(coin.ath_date),
        atl: num(coin.atl),
        atlDate: date(coin.atl_date),
        lastUpdated,
      };
      batch.assets.push(asset);
      batch.snapshots.push({
        symbol,
        timestamp: lastUpdated,
        price,
        marketCap: asset.marketCap ?? null,
        totalVolume: asset.totalVolume ?? null,
      });
    });
    batch.drift = [...drift].map(([problem, count]) => `${problem} (${count} records)`);
    return batch;
  }
}
