// The market-data suites' shared setup: one test app seeded with the same six assets, and a
// client that parses JSON answers and checks problem documents.
import { MarketSeeder, anAsset } from './market-fixtures';
import { startTestApp, type TestApp } from './test-app';

export const PROBLEM_JSON = /^application\/problem\+json/;
export const HOUR = 3_600_000;
export const MINUTE = 60_000;
/** A fixed, whole-day origin for candle fixtures: 2026-11-20T00:00:00Z (a Friday). */
export const DAY0 = Date.UTC(2026, 10, 20);

export interface Page {
  items: { symbol: string; current_price: number | null; market_cap: number | null }[];
  total: number;
  page: number;
  per_page: number;
  has_next: boolean;
  has_prev: boolean;
}

export interface Ohlc {
  symbol: string;
  timeframe: string;
  source: string | null;
  ohlc: {
    timestamp: number;
    open: number;
    high: number;
    low: number;
    close: number;
    volume: number;
    trade_count: number;
    is_closed: boolean;
    source?: string;
    filled?: boolean;
  }[];
  gaps: { from: number; to: number }[];
}

export interface MarketApi {
  sut: TestApp;
  seed: MarketSeeder;
  /** Asset ids by symbol. */
  ids: Map<string, number>;
}

/** A test app with BTC, ETH, SOL (from coinpaprika), DOGE, TINY and NOCAP (no price). */
export async function startMarketApi(): Promise<MarketApi> {
  const sut = await startTestApp();
  const seed = new MarketSeeder(sut.app);
  const ids = await seed.assets([
    anAsset({
      symbol: 'BTC',
      name: 'Bitcoin',
      currentPrice: 97000,
      marketCap: 1.9e12,
      totalVolume: 4.5e10,
      marketCapRank: 1,
      priceChangePercentage24h: 1.5,
      coingeckoId: 'bitcoin',
    }),
    anAsset({
      symbol: 'ETH',
      name: 'Ethereum',
      currentPrice: 3500,
      marketCap: 4.2e11,
      totalVolume: 2e10,
      marketCapRank: 2,
      priceChangePercentage24h: -2.5,
    }),
    anAsset({
      symbol: 'SOL',
      name: 'Solana',
      currentPrice: 210,
      marketCap: 1e11,
      totalVolume: 5e9,
      marketCapRank: 3,
      priceChangePercentage24h: 6.2,
      source: 'coinpaprika',
    }),
    anAsset({
      symbol: 'DOGE',
      name: 'Dogecoin',
      currentPrice: 0.4,
      marketCap: 6e10,
      totalVolume: 3e9,
      marketCapRank: 4,
      priceChangePercentage24h: -8.1,
    }),
    anAsset({
      symbol: 'TINY',
      name: 'Tiny Moon',
      currentPrice: 0.0001,
      marketCap: 1e5,
      totalVolume: 50,
      marketCapRank: 900,
      priceChangePercentage24h: 450,
    }),
    anAsset({
      symbol: 'NOCAP',
      name: 'No Cap',
      currentPrice: null,
      marketCap: null,
      totalVolume: null,
      priceChangePercentage24h: null,
    }),
  ]);
  return { sut, seed, ids };
}

/** GET with parsed JSON, and a check that a path answers a problem document. */
export function marketApiClient(baseUrl: () => string) {
  const get = async <T = unknown>(path: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${baseUrl()}${path}`, { headers });
    const text = await response.text();
    return { response, status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  const expectProblem = async (path: string, status: number, field?: string) => {
    const { response, body } = await get<{ errors?: { field: string }[]; detail: string }>(path);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(PROBLEM_JSON);
    if (field) expect(body.errors?.map((e) => e.field)).toContain(field);
    return body;
  };
  return { get, expectProblem };
}
