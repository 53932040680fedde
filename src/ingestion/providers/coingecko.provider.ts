import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { HttpListingProvider } from './http-listing-provider';
import { date, normaliseListing, num, str, type JsonType } from './listing-normaliser';
import type { FetchedPayload, NormalisedBatch } from './market-data-provider';

const PAGE_SIZE = 250;
const DEFAULT_LIMIT = 100;
/** The public API allows about 30 calls a minute; stay under it. */
const REQUESTS_PER_MINUTE = 25;

/** Fields the documented `/coins/markets` format promises, and their JSON types. */
const EXPECTED: Record<string, JsonType> = {
  id: 'string',
  symbol: 'string',
  name: 'string',
  current_price: 'number',
  market_cap: 'number',
  total_volume: 'number',
  last_updated: 'string',
};

/**
 * CoinGecko `/coins/markets` (vs_currency=usd, by market cap, 250 a page), with the
 * 1h/24h/7d/30d changes. COINGECKO_API_KEY is sent as the demo or pro key header.
 */
@Injectable()
export class CoinGeckoProvider extends HttpListingProvider {
  readonly name = 'coingecko' as const;

  constructor(config: AppConfig) {
    super(config, 'CoinGecko', REQUESTS_PER_MINUTE);
  }

  /** COINGECKO_API_KEY as the demo or pro key header, as the base URL asks for. */
  private headers(): Record<string, string> {
    const { baseUrl, apiKey } = this.config.ingestion.coingecko;
    if (!apiKey) return {};
    return { [baseUrl.includes('pro-api') ? 'x-cg-pro-api-key' : 'x-cg-demo-api-key']: apiKey };
  }

  /**
   * `/coins/{id}/market_chart` in USD over the last `days` days, one point a day
   * (`interval=daily`): `{prices, market_caps, total_volumes}` as `[ms, value]` pairs. Shares
   * the provider's call budget with the listing.
   */
  async fetchMarketChart(
    id: string,
    days: number,
    signal: AbortSignal,
  ): Promise<{ body: unknown; text: string }> {
    const { baseUrl } = this.config.ingestion.coingecko;
    const url = new URL(
      `${baseUrl.replace(/\/$/, '')}/coins/${encodeURIComponent(id)}/market_chart`,
    );
    url.search = new URLSearchParams({
      vs_currency: 'usd',
      days: String(days),
      interval: 'daily',
    }).toString();
    return this.http.getJsonText(url, this.headers(), signal);
  }

  override async fetch(signal: AbortSignal, limit = DEFAULT_LIMIT): Promise<FetchedPayload> {
    const { baseUrl } = this.config.ingestion.coingecko;
    const headers = this.headers();
    const coins: unknown[] = [];
    const pages: string[] = [];
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
      const { body, text } = await this.http.getJsonText(url, headers, signal);
      if (!Array.isArray(body)) throw new Error('CoinGecko GET /coins/markets: expected an array');
      coins.push(...(body as unknown[]));
      pages.push(text);
      if (body.length < PAGE_SIZE) break;
    }
    return {
      source: this.name,
      fetchedAt: new Date(),
      payload: coins.slice(0, limit),
      text: pages.length === 1 ? pages[0] : `[${pages.join(',')}]`,
    };
  }

  override normalise(fetched: FetchedPayload): NormalisedBatch {
    return normaliseListing(
      fetched.payload as unknown[],
      EXPECTED,
      fetched.fetchedAt,
      (coin) => ({
        symbol: String(coin.symbol).toUpperCase(),
        name: String(coin.name).slice(0, 200),
        source: this.name,
        slug: String(coin.id),
        coingeckoId: String(coin.id),
        imageUrl: str(coin.image),
        marketCapRank: num(coin.market_cap_rank),
        currentPrice: num(coin.current_price),
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
        lastUpdated: date(coin.last_updated) ?? fetched.fetchedAt,
      }),
      (coin) => String(coin.id),
    );
  }
}
