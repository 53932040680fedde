import type { ThrottlerStorage } from '@nestjs/throttler';
import type Redis from 'ioredis';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * One fixed window per key, counted atomically in Redis so that every instance sees the
 * same count: INCR (the first hit starts the window), and once the limit is passed a block
 * key for `blockDuration`. Returns hits, window ms left, block ms left.
 */
const INCREMENT_SCRIPT = `
local blocked = redis.call('PTTL', KEYS[2])
if blocked > 0 then
  return {tonumber(redis.call('GET', KEYS[1]) or ARGV[2]), redis.call('PTTL', KEYS[1]), blocked}
end
local hits = redis.call('INCR', KEYS[1])
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  left = tonumber(ARGV[1])
end
if hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  blocked = tonumber(ARGV[3])
else
  blocked = 0
end
return {hits, left, blocked}`;

type IncrementingRedis = Redis & {
  rateLimitIncrement(
    key: string,
    blockKey: string,
    ttlMs: number,
    limit: number,
    blockMs: number,
  ): Promise<[number, number, number]>;
};

/** Rate-limit counters in Redis, shared by every instance (server mode). */
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly redis: IncrementingRedis;

  constructor(
    redis: Redis,
    private readonly keyOf: (key: string) => string,
  ) {
    redis.defineCommand('rateLimitIncrement', { numberOfKeys: 2, lua: INCREMENT_SCRIPT });
    this.redis = redis as IncrementingRedis;
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
  ): Promise<ThrottlerStorageRecord> {
    const counter = this.keyOf(key);
    const [hits, windowMs, blockMs] = await this.redis.rateLimitIncrement(
      counter,
      `${counter}:blocked`,
      ttl,
      limit,
      blockDuration,
    );
    return {
      totalHits: hits,
      timeToExpire: Math.max(0, Math.ceil(windowMs / 1_000)),
      isBlocked: blockMs > 0,
      timeToBlockExpire: Math.max(0, Math.ceil(blockMs / 1_000)),
    };
  }
}
