import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { HttpListingProvider } from './http-listing-provider';
import { at, date, normaliseListing, num, str, type JsonType } from './listing-normaliser';
import type { FetchedPayload, NormalisedBatch } from './market-data-provider';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 5_000;
/** The Basic plan allows 30 calls a minute (and a monthly credit budget). */
const REQUESTS_PER_MINUTE = 20;

const EXPECTED: Record<string, JsonType> = {
  id: 'number',
  name: 'string',
  symbol: 'string',
  slug: 'string',
  cmc_rank: 'number',
  last_updated: 'string',
  'quote.USD': 'object',
  'quote.USD.price': 'number',
  'quote.USD.volume_24h': 'number',
  'quote.USD.market_cap': 'number',
};

/**
 * CoinMarketCap `/v1/cryptocurrency/listings/latest` (USD). Needs COINMARKETCAP_API_KEY
 * (sent as X-CMC_PRO_API_KEY); without it the source reports "not configured" and its runs
 * are skipped, not failed.
 */
@Injectable()
export class CoinMarketCapProvider extends HttpListingProvider {
  readonly name = 'coinmarketcap' as const;

  constructor(config: AppConfig) {
    super(config, 'CoinMarketCap', REQUESTS_PER_MINUTE);
  }

  override unavailableReason(): string | null {
    return this.config.ingestion.coinmarketcap.apiKey
      ? null
      : 'not configured: set COINMARKETCAP_API_KEY';
  }

  override async fetch(signal: AbortSignal, limit = DEFAULT_LIMIT): Promise<FetchedPayload> {
    const { baseUrl, apiKey } = this.config.ingestion.coinmarketcap;
    const url = new URL(`${baseUrl.replace(/\/$/, '')}/v1/cryptocurrency/listings/latest`);
    url.search = new URLSearchParams({
      start: '1',
      limit: String(Math.min(limit, MAX_LIMIT)),
      convert: 'USD',
    }).toString();
    const { body, text } = await this.http.getJsonText(
      url,
      { 'X-CMC_PRO_API_KEY': apiKey ?? '' },
      signal,
    );
    const data = at(body, 'data');
    if (!Array.isArray(data))
      throw new Error('CoinMarketCap GET /v1/cryptocurrency/listings/latest: no data array');
    return { source: this.name, fetchedAt: new Date(), payload: body, text };
  }

  override normalise(fetched: FetchedPayload): NormalisedBatch {
    return normaliseListing(
      at(fetched.payload, 'data') as unknown[],
      EXPECTED,
      fetched.fetchedAt,
      (coin) => ({
        symbol: String(coin.symbol).toUpperCase(),
        name: String(coin.name).slice(0, 200),
        source: this.name,
        slug: str(coin.slug),
        coinmarketcapId: num(coin.id),
        marketCapRank: num(coin.cmc_rank),
        currentPrice: num(at(coin, 'quote.USD.price')),
        marketCap: num(at(coin, 'quote.USD.market_cap')),
        fullyDilutedValuation: num(at(coin, 'quote.USD.fully_diluted_market_cap')),
        totalVolume: num(at(coin, 'quote.USD.volume_24h')),
        priceChangePercentage1h: num(at(coin, 'quote.USD.percent_change_1h')),
        priceChangePercentage24h: num(at(coin, 'quote.USD.percent_change_24h')),
        priceChangePercentage7d: num(at(coin, 'quote.USD.percent_change_7d')),
        priceChangePercentage30d: num(at(coin, 'quote.USD.percent_change_30d')),
        circulatingSupply: num(coin.circulating_supply),
        totalSupply: num(coin.total_supply),
        maxSupply: num(coin.max_supply),
        lastUpdated:
          date(at(coin, 'quote.USD.last_updated')) ?? date(coin.last_updated) ?? fetched.fetchedAt,
      }),
      (coin) => str(coin.slug) ?? String(coin.id),
    );
  }
}
