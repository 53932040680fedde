// The market-data suites' shared setup: one test app seeded with the same six assets (the suites
// talk to it through the typed clients in ./clients).
import { MarketSeeder, anAsset } from './market-fixtures';
import { startTestApp, type TestApp } from './test-app';

export const HOUR = 3_600_000;
export const MINUTE = 60_000;
/** A fixed, whole-day origin for candle fixtures: 2026-11-20T00:00:00Z (a Friday). */
export const DAY0 = Date.UTC(2026, 10, 20);

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
