// Builders and seeders for market data, writing through the same repositories that
// ingestion uses, so tests exercise the real SQL.
import type { INestApplication } from '@nestjs/common';
import { CacheVersionsService } from '../../src/common/cache/cache-versions.service';
import type { AssetUpsert } from '../../src/cryptocurrencies/asset-upsert';
import { AssetsRepository } from '../../src/cryptocurrencies/assets.repository';
import { CandlesRepository, type CandleWrite } from '../../src/price-history/candles.repository';
import { LatestPriceStore, type LatestPrice } from '../../src/price-history/latest-price.store';
import {
  PriceSnapshotsRepository,
  type SnapshotWrite,
} from '../../src/price-history/price-snapshots.repository';

export function anAsset(overrides: Partial<AssetUpsert> & { symbol: string }): AssetUpsert {
  return {
    name: overrides.symbol.charAt(0) + overrides.symbol.slice(1).toLowerCase() + 'coin',
    source: 'coingecko',
    currentPrice: 1,
    marketCap: 1_000_000,
    totalVolume: 100_000,
    priceChangePercentage24h: 0,
    lastUpdated: new Date('2026-11-20T00:00:00Z'),
    ...overrides,
  };
}

/** `count` consecutive 1-minute candles from `start`, prices walking by `step`. */
export function minuteCandles(
  assetId: number,
  start: Date,
  count: number,
  options: { source?: string; base?: number; step?: number } = {},
): CandleWrite[] {
  const { source = 'binance', base = 100, step = 1 } = options;
  return Array.from({ length: count }, (_, i) => {
    const open = base + i * step;
    return {
      assetId,
      openTime: new Date(start.getTime() + i * 60_000),
      source,
      open,
      high: open + 2,
      low: open - 1,
      close: open + step,
      volume: 10,
      tradeCount: 3,
    };
  });
}

export class MarketSeeder {
  constructor(private readonly app: INestApplication) {}

  async assets(rows: AssetUpsert[]): Promise<Map<string, number>> {
    return (await this.app.get(AssetsRepository).upsert(rows)).ids;
  }

  async candles(rows: CandleWrite[]): Promise<void> {
    await this.app.get(CandlesRepository).upsert(rows);
  }

  /** Hourly or daily candles as a source delivered them (klines, files). */
  async directCandles(timeframe: '1h' | '1d', rows: CandleWrite[]): Promise<void> {
    await this.app.get(CandlesRepository).upsertDirect(timeframe, rows);
  }

  async snapshots(rows: SnapshotWrite[]): Promise<void> {
    await this.app.get(PriceSnapshotsRepository).insert(rows);
  }

  async latestPrices(rows: LatestPrice[]): Promise<void> {
    await this.app.get(LatestPriceStore).set(rows);
  }

  /** What ingestion does after writing: make cached answers about these symbols stale. */
  async invalidate(symbols: string[]): Promise<void> {
    await this.app.get(CacheVersionsService).invalidateSymbols(symbols);
  }
}
