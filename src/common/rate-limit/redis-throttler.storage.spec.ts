import type Redis from 'ioredis';
import { RedisThrottlerStorage, leaseSize } from './redis-throttler.storage';

/** What the increment script does, in memory: one counter per key and window. */
class FakeRedis {
  readonly calls: { key: string; taken: number }[] = [];
  private readonly counters = new Map<string, { hits: number; endsAt: number }>();
  failing = false;

  defineCommand(): void {}

  async rateLimitIncrement(key: string, ttlMs: number, taken: number): Promise<[number, number]> {
    await Promise.resolve();
    if (this.failing) throw new Error('Connection is closed.');
    this.calls.push({ key, taken });
    const now = Date.now();
    let counter = this.counters.get(key);
    if (!counter || counter.endsAt <= now) {
      counter = { hits: 0, endsAt: now + ttlMs };
      this.counters.set(key, counter);
    }
    counter.hits += taken;
    return [counter.hits, counter.endsAt - now];
  }
}

describe(RedisThrottlerStorage.name, () => {
  const MINUTE = 60_000;
  let redis: FakeRedis;
  /** Two instances of one deployment: one Redis, a storage each. */
  let a: RedisThrottlerStorage;
  let b: RedisThrottlerStorage;

  beforeEach(() => {
    jest.useFakeTimers({ now: Date.parse('2026-12-02T10:00:00Z'), doNotFake: ['nextTick'] });
    redis = new FakeRedis();
    a = new RedisThrottlerStorage(redis as unknown as Redis, (key) => `rl:${key}`);
    b = new RedisThrottlerStorage(redis as unknown as Redis, (key) => `rl:${key}`);
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  const hits = async (storage: RedisThrottlerStorage, n: number, limit: number) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push((await storage.increment('c', MINUTE, limit)).totalHits);
    return out;
  };

  it('takes a twentieth of the limit at a time, between 1 and 100', () => {
    expect([10, 39, 40, 100, 1_000, 10_000, 1e9].map(leaseSize)).toEqual([
      1, 1, 2, 5, 50, 100, 100,
    ]);
  });

  it('counts exactly on one instance with a Redis round trip per lease, not per request', async () => {
    const counted = await hits(a, 100, 100);

    expect(counted).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(redis.calls).toHaveLength(20);
    expect(redis.calls.every((call) => call.taken === 5)).toBe(true);
  });

  it('refuses past the limit, then answers refusals from memory until the window ends', async () => {
    await hits(a, 100, 100);
    const refused = await a.increment('c', MINUTE, 100);
    const callsAfterFirstRefusal = redis.calls.length;
    for (let i = 0; i < 50; i++) await a.increment('c', MINUTE, 100);

    expect(refused).toMatchObject({ totalHits: 101, isBlocked: true, timeToBlockExpire: 60 });
    expect(redis.calls.length).toBe(callsAfterFirstRefusal);

    jest.advanceTimersByTime(MINUTE);
    const nextWindow = await a.increment('c', MINUTE, 100);
    expect(nextWindow).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('never lets more than the limit through across instances, a partial lease included', async () => {
    let passed = 0;
    for (let i = 0; i < 300; i++) {
      const storage = i % 3 === 0 ? a : b; // uneven, so leases end part-used
      if (!(await storage.increment('c', MINUTE, 100)).isBlocked) passed++;
    }

    expect(passed).toBe(100);
  });

  it('counts one at a time below a limit of 40, so instances agree exactly', async () => {
    const seen: number[] = [];
    for (let i = 0; i < 20; i++) {
      seen.push((await (i % 2 ? b : a).increment('c', MINUTE, 20)).totalHits);
    }

    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('lets concurrent first requests of a client share one lease', async () => {
    const counted = await Promise.all(
      Array.from({ length: 5 }, () => a.increment('c', MINUTE, 100)),
    );

    expect(counted.map((r) => r.totalHits).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5]);
    expect(redis.calls).toHaveLength(1);
  });

  it('fails when Redis does, so the guard can fail open, and recovers with it', async () => {
    redis.failing = true;
    await expect(a.increment('c', MINUTE, 100)).rejects.toThrow('closed');
    redis.failing = false;

    await expect(a.increment('c', MINUTE, 100)).resolves.toMatchObject({
      totalHits: 1,
    });
  });
});
