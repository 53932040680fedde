// /api/v1/cryptocurrencies: the listing, details, tops and an asset's prices and candles.
import type {
  CryptocurrencyDetailDto,
  CryptocurrencyPageDto,
  HistoryDto,
  IndicatorsDto,
  LatestPriceDto,
  OhlcDto,
  TopCryptocurrenciesDto,
} from '../api-types';
import type { Answer, ApiClient, Query, RequestOptions } from './api-client';

const BASE = '/api/v1/cryptocurrencies';
const asset = (symbol: string) => `${BASE}/${encodeURIComponent(symbol)}`;

export class MarketClient {
  constructor(private readonly api: ApiClient) {}

  list(query?: Query, options?: RequestOptions): Promise<Answer<CryptocurrencyPageDto>> {
    return this.api.get(BASE, { ...options, query });
  }

  /** OPTIONS on the listing (a CORS preflight, say). */
  listOptions(options?: RequestOptions): Promise<Answer<string>> {
    return this.api.request('OPTIONS', BASE, options);
  }

  top(category: string, query?: Query): Promise<Answer<TopCryptocurrenciesDto>> {
    return this.api.get(`${BASE}/top/${encodeURIComponent(category)}`, { query });
  }

  detail(symbol: string, options?: RequestOptions): Promise<Answer<CryptocurrencyDetailDto>> {
    return this.api.get(asset(symbol), options);
  }

  price(symbol: string, options?: RequestOptions): Promise<Answer<LatestPriceDto>> {
    return this.api.get(`${asset(symbol)}/price`, options);
  }

  ohlc(symbol: string, query?: Query, options?: RequestOptions): Promise<Answer<OhlcDto>> {
    return this.api.get(`${asset(symbol)}/ohlc`, { ...options, query });
  }

  history(symbol: string, query?: Query, options?: RequestOptions): Promise<Answer<HistoryDto>> {
    return this.api.get(`${asset(symbol)}/history`, { ...options, query });
  }

  indicators(symbol: string, query?: Query): Promise<Answer<IndicatorsDto>> {
    return this.api.get(`${asset(symbol)}/indicators`, { query });
  }
}
