import Redis from 'ioredis';
import { loadAppConfig } from '../config/app-config';
import { RedisKeys } from '../redis/redis-keys';
import { SequenceStore } from './sequence.store';

const REDIS_URL = process.env.REDIS_URL;

describe(SequenceStore.name, () => {
  describe('without Redis', () => {
    const keys = new RedisKeys(loadAppConfig({}));

    it('starts a stream from the clock, so a restarted process continues above its last number', async () => {
      const before = Date.now();
      const first = new SequenceStore(null, keys);
      const [a, b] = await first.next(['price:BTC', 'price:BTC']);
      expect(a).toBeGreaterThanOrEqual(before);
      expect(b).toBe(a + 1);
      expect(await first.current('price:BTC')).toBe(b);

      const restarted = new SequenceStore(null, keys);
      await new Promise((resolve) => setTimeout(resolve, 2));
      const [c] = await restarted.next(['price:BTC']);
      expect(c).toBeGreaterThan(b);
    });

    it('reports a snapshot before the first update one below the update that follows', async () => {
      const sut = new SequenceStore(null, keys);
      const snapshot = await sut.current('price:XRP');
      expect(snapshot).toBeGreaterThan(0);
      expect(await sut.current('price:XRP')).toBe(snapshot);
      expect(await sut.next(['price:XRP'])).toEqual([snapshot + 1]);
    });

    it('counts each stream on its own', async () => {
      const sut = new SequenceStore(null, keys);
      const [price] = await sut.next(['price:ETH']);
      await sut.next(['candle:ETH', 'candle:ETH']);
      expect(await sut.next(['price:ETH'])).toEqual([price + 1]);
    });
  });

  (REDIS_URL ? describe : describe.skip)('with Redis (REDIS_URL)', () => {
    let redis: Redis;
    let keys: RedisKeys;

    beforeEach(() => {
      redis = new Redis(REDIS_URL!, { lazyConnect: false });
      // A key prefix of this test's own: nothing shared with other suites.
      keys = new RedisKeys(
        loadAppConfig({ REDIS_URL: REDIS_URL!, REDIS_KEY_PREFIX: `seqtest${process.pid}` }),
      );
    });

    afterEach(async () => {
      const leftovers = await redis.keys(`seqtest${process.pid}*`);
      if (leftovers.length > 0) await redis.del(...leftovers);
      redis.disconnect();
    });

    it('keeps increasing across instances, and after Redis lost its counters', async () => {
      const one = new SequenceStore(redis, keys);
      const two = new SequenceStore(redis, keys);
      const [a] = await one.next(['price:BTC']);
      const [b] = await two.next(['price:BTC']);
      expect(b).toBe(a + 1);

      // Redis restarted without persistence: its counters are gone.
      await redis.del(keys.realtimeSeq('price:BTC'));
      const [c] = await two.next(['price:BTC']);
      expect(c).toBeGreaterThan(b);
      // The other instance, which never saw c, still continues above it.
      expect(await one.next(['price:BTC'])).toEqual([c + 1]);
    });

    it('never goes below what this instance handed out while Redis was away', async () => {
      const sut = new SequenceStore(redis, keys);
      const [a] = await sut.next(['price:SOL']);
      // Numbers counted locally during an outage, far above the clock.
      await redis.set(keys.realtimeSeq('price:SOL'), String(a - 10));
      const [b] = await sut.next(['price:SOL']);
      expect(b).toBe(a + 1);
    });

    it('starts a counter on its first snapshot, one below the next update on any instance', async () => {
      const one = new SequenceStore(redis, keys);
      const two = new SequenceStore(redis, keys);
      const snapshot = await one.current('price:DOT');
      expect(snapshot).toBeGreaterThan(0);
      expect(await two.current('price:DOT')).toBe(snapshot);
      expect(await two.next(['price:DOT'])).toEqual([snapshot + 1]);
      expect(await redis.ttl(keys.realtimeSeq('price:DOT'))).toBeGreaterThan(86_000);
    });

    it('lets counters expire a day after their last use', async () => {
      const sut = new SequenceStore(redis, keys);
      await sut.next(['price:ADA']);
      const ttl = await redis.ttl(keys.realtimeSeq('price:ADA'));
      expect(ttl).toBeGreaterThan(86_000);
      expect(ttl).toBeLessThanOrEqual(86_400);
    });
  });
});
