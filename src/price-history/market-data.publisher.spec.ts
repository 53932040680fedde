import type Redis from 'ioredis';
import { CacheVersionsService } from '../common/cache/cache-versions.service';
import type { AppConfig } from '../config/app-config';
import { RedisKeys } from '../redis/redis-keys';
import { LatestPriceStore } from './latest-price.store';
import { MarketDataPublisher } from './market-data.publisher';
import { PriceBus, type CandleUpdated, type PriceUpdated } from './price-bus';

const aPrice = (overrides: Partial<PriceUpdated> = {}): PriceUpdated => ({
  symbol: 'BTC',
  price: 100_000,
  change24h: 1.5,
  volume24h: 10,
  timestamp: 1_000,
  source: 'binance',
  ...overrides,
});

const aCandle = (overrides: Partial<CandleUpdated> = {}): CandleUpdated => ({
  symbol: 'BTC',
  timeframe: '1m',
  openTime: 60_000,
  open: 1,
  high: 1,
  low: 1,
  close: 1,
  volume: 1,
  isClosed: false,
  source: 'binance',
  ...overrides,
});

function build() {
  const config = {
    cache: { ttlSeconds: 300, memoryMaxBytes: 2 ** 20, invalidationIntervalMs: 0 },
    redis: { keyPrefix: 'test' },
  } as AppConfig;
  const keys = new RedisKeys(config);
  const latestPrices = new LatestPriceStore(null as Redis | null, keys);
  const versions = new CacheVersionsService(null as Redis | null, keys, config);
  const bus = new PriceBus();
  const prices: PriceUpdated[] = [];
  const candles: CandleUpdated[] = [];
  bus.prices$.subscribe((e) => prices.push(e));
  bus.candles$.subscribe((e) => candles.push(e));
  const sut = new MarketDataPublisher(latestPrices, versions, bus);
  return { sut, latestPrices, versions, prices, candles };
}

describe(MarketDataPublisher.name, () => {
  it('stores the latest price, makes the symbol and listings stale, then publishes', async () => {
    const { sut, latestPrices, versions, prices } = build();

    await sut.publish({ prices: [aPrice()] });

    expect(await latestPrices.get('BTC')).toMatchObject({ price: 100_000, timestamp: 1_000 });
    expect([await versions.current('BTC'), await versions.current()]).toEqual(['0.1', '0.1']);
    expect(prices).toEqual([aPrice()]);
  });

  it('neither stores nor publishes a price older than the stored one', async () => {
    const { sut, latestPrices, prices } = build();
    await sut.publish({ prices: [aPrice({ timestamp: 2_000, price: 2 })] });

    await sut.publish({ prices: [aPrice({ timestamp: 1_000, price: 1 })] });

    expect((await latestPrices.get('BTC'))?.price).toBe(2);
    expect(prices.map((p) => p.price)).toEqual([2]);
  });

  it('publishes candles oldest first and makes their symbols stale', async () => {
    const { sut, versions, candles } = build();

    await sut.publish({
      candles: [aCandle({ openTime: 120_000 }), aCandle({ symbol: 'ETH', openTime: 60_000 })],
    });

    expect(candles.map((c) => c.openTime)).toEqual([60_000, 120_000]);
    expect([await versions.current('BTC'), await versions.current('ETH')]).toEqual(['0.1', '0.1']);
  });

  it('publishes no events for a bulk import and makes the whole cache stale', async () => {
    const { sut, latestPrices, versions, prices } = build();

    await sut.publishBulk([aPrice(), aPrice({ symbol: 'ETH' })]);

    expect(prices).toEqual([]);
    expect((await latestPrices.get('ETH'))?.price).toBe(100_000);
    expect(await versions.current('SOL')).toBe('1.0');
  });
});
