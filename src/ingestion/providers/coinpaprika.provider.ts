import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { HttpListingProvider } from './http-listing-provider';
import { at, date, normaliseListing, num, str, type JsonType } from './listing-normaliser';
import type { FetchedPayload, NormalisedBatch } from './market-data-provider';

const DEFAULT_LIMIT = 100;
/** The free plan allows 20,000 calls a month; a few a minute is plenty. */
const REQUESTS_PER_MINUTE = 10;

const EXPECTED: Record<string, JsonType> = {
  id: 'string',
  name: 'string',
  symbol: 'string',
  rank: 'number',
  last_updated: 'string',
  'quotes.USD': 'object',
  'quotes.USD.price': 'number',
  'quotes.USD.volume_24h': 'number',
  'quotes.USD.market_cap': 'number',
};

/** CoinPaprika `/v1/tickers` (all coins in one response, USD quotes), best-ranked first. */
@Injectable()
export class CoinPaprikaProvider extends HttpListingProvider {
  readonly name = 'coinpaprika' as const;

  constructor(config: AppConfig) {
    super(config, 'CoinPaprika', REQUESTS_PER_MINUTE);
  }

  override async fetch(signal: AbortSignal, limit = DEFAULT_LIMIT): Promise<FetchedPayload> {
    const url = new URL(
      `${this.config.ingestion.coinpaprika.baseUrl.replace(/\/$/, '')}/v1/tickers`,
    );
    url.searchParams.set('quotes', 'USD');
    const body = await this.http.getJson(url, {}, signal);
    if (!Array.isArray(body)) throw new Error('CoinPaprika GET /v1/tickers: expected an array');
    const ranked = (body as unknown[])
      .filter((t) => num(at(t, 'rank')) !== null && (at(t, 'rank') as number) > 0)
      .sort((a, b) => (at(a, 'rank') as number) - (at(b, 'rank') as number));
    const unranked = (body as unknown[]).filter((t) => !ranked.includes(t));
    return {
      source: this.name,
      fetchedAt: new Date(),
      payload: [...ranked, ...unranked].slice(0, limit),
    };
  }

  override normalise(fetched: FetchedPayload): NormalisedBatch {
    return normaliseListing(
      fetched.payload as unknown[],
      EXPECTED,
      fetched.fetchedAt,
      (ticker) => ({
        symbol: String(ticker.symbol).toUpperCase(),
        name: String(ticker.name).slice(0, 200),
        source: this.name,
        coinpaprikaId: String(ticker.id),
        marketCapRank: num(ticker.rank) || null,
        currentPrice: num(at(ticker, 'quotes.USD.price')),
        marketCap: num(at(ticker, 'quotes.USD.market_cap')),
        totalVolume: num(at(ticker, 'quotes.USD.volume_24h')),
        priceChangePercentage1h: num(at(ticker, 'quotes.USD.percent_change_1h')),
        priceChangePercentage24h: num(at(ticker, 'quotes.USD.percent_change_24h')),
        priceChangePercentage7d: num(at(ticker, 'quotes.USD.percent_change_7d')),
        priceChangePercentage30d: num(at(ticker, 'quotes.USD.percent_change_30d')),
        circulatingSupply: num(ticker.circulating_supply),
        totalSupply: num(ticker.total_supply),
        maxSupply: num(ticker.max_supply) || null,
        ath: num(at(ticker, 'quotes.USD.ath_price')),
        athDate: date(at(ticker, 'quotes.USD.ath_date')),
        lastUpdated: date(ticker.last_updated) ?? fetched.fetchedAt,
      }),
      (ticker) => str(ticker.id) ?? 'unknown',
    );
  }
}
