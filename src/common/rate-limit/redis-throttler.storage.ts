import type { ThrottlerStorage } from '@nestjs/throttler';
import type Redis from 'ioredis';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * One fixed window per key, counted atomically in Redis so that every instance sees the
 * same count: INCR, and the first hit of a window sets its expiry. Returns hits and the
 * window's ms left. A client over the limit stays refused until its window ends, which is
 * throttler's default block (blockDuration = ttl); two commands, on the hottest path.
 */
export const INCREMENT_SCRIPT = `
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  return {hits, tonumber(ARGV[1])}
end
return {hits, redis.call('PTTL', KEYS[1])}`;

type IncrementingRedis = Redis & {
  rateLimitIncrement(key: string, ttlMs: number): Promise<[number, number]>;
};

/** Rate-limit counters in Redis, shared by every instance (server mode). */
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly redis: IncrementingRedis;

  constructor(
    redis: Redis,
    private readonly keyOf: (key: string) => string,
  ) {
    redis.defineCommand('rateLimitIncrement', { numberOfKeys: 1, lua: INCREMENT_SCRIPT });
    this.redis = redis as IncrementingRedis;
  }

  async increment(key: string, ttl: number, limit: number): Promise<ThrottlerStorageRecord> {
    const [hits, windowMs] = await this.redis.rateLimitIncrement(this.keyOf(key), ttl);
    // A key that lost its expiry (PTTL -1) must not block forever: report a full window.
    const seconds = Math.ceil((windowMs >= 0 ? windowMs : ttl) / 1_000);
    const isBlocked = hits > limit;
    return {
      totalHits: hits,
      timeToExpire: seconds,
      isBlocked,
      timeToBlockExpire: isBlocked ? Math.max(1, seconds) : 0,
    };
  }
}
