// Seeds a bench database through the service's own repositories (the real SQL).
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { loadAppConfig, type AppConfig } from '../../src/config/app-config';
import type { AssetUpsert } from '../../src/cryptocurrencies/asset-upsert';
import { AssetsRepository } from '../../src/cryptocurrencies/assets.repository';
import { AssetEntity } from '../../src/cryptocurrencies/entities/asset.entity';
import { buildDataSourceOptions } from '../../src/database/data-source-options';
import { runPendingMigrations } from '../../src/database/migrate';
import { CandlesRepository, type CandleWrite } from '../../src/price-history/candles.repository';
import { CandleRollupEntity } from '../../src/price-history/entities/candle-rollup.entity';
import { CandleEntity } from '../../src/price-history/entities/candle.entity';
import { PriceSnapshotEntity } from '../../src/price-history/entities/price-snapshot.entity';
import { LatestPriceStore } from '../../src/price-history/latest-price.store';
import { RedisKeys } from '../../src/redis/redis-keys';
import { TimePartitions } from '../../src/database/time-partitions';

export interface Seeder {
  config: AppConfig;
  dataSource: DataSource;
  assets: AssetsRepository;
  candles: CandlesRepository;
  latestPrices: LatestPriceStore;
  redis: Redis;
  keys: RedisKeys;
  close(): Promise<void>;
}

/**
 * Opens the service's database as the service would: the server in env's DATABASE_URL, or
 * (env without one) an embedded database already started at `embeddedUrl`.
 */
export async function openSeeder(
  env: Record<string, string>,
  embeddedUrl?: string,
): Promise<Seeder> {
  const config = loadAppConfig(env);
  const embedded = config.database.url === undefined;
  const url = config.database.url ?? embeddedUrl;
  if (!url) throw new Error('openSeeder: no DATABASE_URL and no embedded database');
  const dataSource = new DataSource({
    ...buildDataSourceOptions(config, url, () => undefined),
    entities: [AssetEntity, PriceSnapshotEntity, CandleEntity, CandleRollupEntity],
    logging: ['error'],
    extra: { statement_timeout: 0 },
  });
  await dataSource.initialize();
  await runPendingMigrations(dataSource, embedded);
  const redis = new Redis(config.redis.url!);
  const keys = new RedisKeys(config);
  return {
    config,
    dataSource,
    assets: new AssetsRepository(dataSource.getRepository(AssetEntity), dataSource),
    candles: new CandlesRepository(dataSource, new TimePartitions(dataSource)),
    latestPrices: new LatestPriceStore(redis, keys),
    redis,
    keys,
    close: async () => {
      const stale = await redis.keys(`${keys.prefix}:*`);
      if (stale.length) await redis.del(...stale);
      await redis.quit();
      if (dataSource.isInitialized) await dataSource.destroy();
    },
  };
}

export function syntheticAssets(count: number): AssetUpsert[] {
  return Array.from({ length: count }, (_, i) => ({
    symbol: i === 0 ? 'BTC' : `C${i}`,
    name: i === 0 ? 'Bitcoin' : `Coin ${i}`,
    source: 'coingecko',
    marketCapRank: i + 1,
    currentPrice: 100_000 / (i + 1),
    marketCap: 2e12 / (i + 1),
    totalVolume: 5e10 / (i + 1),
    priceChangePercentage24h: ((i * 37) % 41) - 20,
    lastUpdated: new Date(),
  }));
}

/** Exchange-like precision: prices and sizes with at most 8 decimals. */
const round8 = (value: number) => Math.round(value * 1e8) / 1e8;

/**
 * A random walk of `minutes` candles `width` ms wide (1-minute by default) ending at the
 * last whole width before `end`.
 */
export function* minuteCandles(
  assetId: number,
  minutes: number,
  end: number,
  batch: number,
  width = 60_000,
): Generator<CandleWrite[]> {
  const last = Math.floor(end / width) * width - width;
  let price = 50_000 + assetId * 10;
  let rows: CandleWrite[] = [];
  for (let i = minutes - 1; i >= 0; i--) {
    const open = price;
    price = Math.max(1, price * (1 + (Math.random() - 0.5) * 0.002));
    rows.push({
      assetId,
      openTime: new Date(last - i * width),
      source: 'binance',
      open: round8(open),
      high: round8(Math.max(open, price) * 1.0005),
      low: round8(Math.min(open, price) * 0.9995),
      close: round8(price),
      volume: round8(1 + Math.random() * 10),
      tradeCount: 10 + Math.floor(Math.random() * 100),
    });
    if (rows.length === batch) {
      yield rows;
      rows = [];
    }
  }
  if (rows.length) yield rows;
}
