import type Redis from 'ioredis';
import type { AppConfig } from '../../config/app-config';
import { RedisKeys } from '../../redis/redis-keys';
import { CacheVersionsService } from './cache-versions.service';

function build(invalidationIntervalMs: number): CacheVersionsService {
  const config = {
    cache: { ttlSeconds: 300, memoryMaxBytes: 2 ** 20, invalidationIntervalMs },
    redis: { keyPrefix: 'test' },
  } as AppConfig;
  return new CacheVersionsService(null as Redis | null, new RedisKeys(config), config);
}

describe(CacheVersionsService.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('bumps the symbol and the listings at once after a quiet interval', async () => {
    const sut = build(1_000);

    await sut.invalidateSymbols(['btc']);

    expect(await sut.current('BTC')).toBe('0.1');
    expect(await sut.current()).toBe('0.1');
    expect(await sut.current('ETH')).toBe('0.0');
  });

  it('gathers changes within the interval into one bump when it ends', async () => {
    const sut = build(1_000);
    await sut.invalidateSymbols(['BTC']);

    jest.advanceTimersByTime(100);
    await sut.invalidateSymbols(['BTC']);
    await sut.invalidateSymbols(['ETH']);
    expect([await sut.current('BTC'), await sut.current('ETH'), await sut.current()]).toEqual([
      '0.1',
      '0.0',
      '0.1',
    ]);

    jest.advanceTimersByTime(900);
    expect([await sut.current('BTC'), await sut.current('ETH'), await sut.current()]).toEqual([
      '0.2',
      '0.1',
      '0.2',
    ]);
  });

  it('never lags by more than the interval under a steady stream of changes', async () => {
    const sut = build(1_000);
    const bumps: number[] = [];
    let last = await sut.current();
    for (let ms = 0; ms < 5_000; ms += 50) {
      await sut.invalidateSymbols(['BTC']);
      const now = await sut.current();
      if (now !== last) bumps.push(ms);
      last = now;
      jest.advanceTimersByTime(50);
    }

    expect(bumps.length).toBeGreaterThanOrEqual(5);
    expect(bumps.length).toBeLessThanOrEqual(6);
    for (let i = 1; i < bumps.length; i++)
      expect(bumps[i] - bumps[i - 1]).toBeLessThanOrEqual(1_050);
  });

  it('makes everything stale at once with one counter for a bulk import', async () => {
    const sut = build(0);
    await sut.invalidateSymbols(['BTC']);

    await sut.invalidateAll();

    expect([await sut.current('BTC'), await sut.current('ETH'), await sut.current()]).toEqual([
      '1.1',
      '1.0',
      '1.1',
    ]);
  });

  it('bumps every change with an interval of 0', async () => {
    const sut = build(0);

    await sut.invalidateSymbols(['BTC']);
    await sut.invalidateSymbols(['BTC']);

    expect(await sut.current('BTC')).toBe('0.2');
  });

  it('publishes a waiting bump on shutdown', async () => {
    const sut = build(60_000);
    await sut.invalidateSymbols(['BTC']);
    await sut.invalidateSymbols(['ETH']);

    await sut.onApplicationShutdown();

    expect(await sut.current('ETH')).toBe('0.1');
  });
});
