import type { ThrottlerStorage } from '@nestjs/throttler';
import type Redis from 'ioredis';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * One fixed window per key, counted atomically in Redis so that every instance sees the
 * same count: INCRBY the tokens taken (ARGV[2], default 1), and the first take of a window
 * sets its expiry. Returns the count and the window's ms left.
 */
export const INCREMENT_SCRIPT = `
local taken = tonumber(ARGV[2] or '1')
local hits = redis.call('INCRBY', KEYS[1], taken)
if hits == taken then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  return {hits, tonumber(ARGV[1])}
end
return {hits, redis.call('PTTL', KEYS[1])}`;

/** Tokens taken from Redis at once: a twentieth of the limit, between 1 and 100. */
export function leaseSize(limit: number): number {
  return Math.max(1, Math.min(MAX_LEASE, Math.floor(limit / 20)));
}
const MAX_LEASE = 100;
const MAX_LEASES = 50_000;

/** Tokens of one window this instance took from Redis and has not handed out yet. */
interface Lease {
  /** The next token (hit number) to hand out, and the last one this lease holds. */
  next: number;
  last: number;
  /** When the window ends (epoch ms); the lease is void after it. */
  endsAt: number;
}

type IncrementingRedis = Redis & {
  rateLimitIncrement(key: string, ttlMs: number, taken: number): Promise<[number, number]>;
};

/**
 * Rate-limit counters in Redis, shared by every instance (server mode).
 *
 * A client's hits are taken from Redis in leases of `leaseSize(limit)` tokens (limit 100:
 * 5 at a time; limits below 40: one at a time, as plain counting), then handed out here one
 * per request, so a busy client costs a Redis round trip every few requests instead of
 * every one. The guarantees:
 * - never more than the limit per window, across instances: a token is counted in Redis
 *   before any instance hands it out;
 * - on one instance, the count and `X-RateLimit-Remaining` are exact;
 * - with several instances, a client can be refused early by at most the tokens the other
 *   instances hold and have not handed out (up to a twentieth of the limit each), and each
 *   instance's Remaining counts the others' requests as of its last lease;
 * - a refused client is refused from memory until its window ends: hammering after a 429
 *   costs no Redis round trip.
 * Concurrent requests of one client share one lease request.
 */
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly redis: IncrementingRedis;
  private readonly leases = new Map<string, Lease>();
  private readonly leasing = new Map<string, Promise<Lease>>();

  constructor(
    redis: Redis,
    private readonly keyOf: (key: string) => string,
  ) {
    redis.defineCommand('rateLimitIncrement', { numberOfKeys: 1, lua: INCREMENT_SCRIPT });
    this.redis = redis as IncrementingRedis;
  }

  async increment(key: string, ttl: number, limit: number): Promise<ThrottlerStorageRecord> {
    for (;;) {
      const taken = this.take(key, ttl, limit);
      if (taken) return taken;
      await this.lease(key, ttl, limit);
    }
  }

  /**
   * A hit counted from this instance's lease, without waiting: undefined when the lease is
   * spent or its window over (then `increment` takes the next lease from Redis).
   */
  take(key: string, _ttl: number, limit: number): ThrottlerStorageRecord | undefined {
    const now = Date.now();
    const lease = this.leases.get(key);
    if (!lease || lease.endsAt <= now) return undefined;
    if (lease.next <= lease.last) return record(lease.next++, lease.endsAt - now, limit);
    // Refused until the window ends: a lease that started past the limit.
    if (lease.last < lease.next && lease.next > limit) {
      return record(lease.next, lease.endsAt - now, limit);
    }
    return undefined;
  }

  /** Takes the next tokens of the window from Redis (one request at a time per key). */
  private lease(key: string, ttl: number, limit: number): Promise<Lease> {
    let pending = this.leasing.get(key);
    if (!pending) {
      const size = leaseSize(limit);
      pending = this.redis
        .rateLimitIncrement(this.keyOf(key), ttl, size)
        .then(([hits, windowMs]) => {
          // A key that lost its expiry (PTTL -1) must not block forever: a full window.
          const endsAt = Date.now() + (windowMs >= 0 ? Math.max(1, windowMs) : ttl);
          const first = hits - size + 1;
          // Tokens past the limit are refusals: the lease holds only those within it.
          const lease = { next: first, last: Math.min(hits, limit), endsAt };
          if (this.leases.size >= MAX_LEASES) this.sweep();
          this.leases.set(key, lease);
          return lease;
        })
        .finally(() => this.leasing.delete(key));
      this.leasing.set(key, pending);
    }
    return pending;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, lease] of this.leases) if (lease.endsAt <= now) this.leases.delete(key);
    if (this.leases.size >= MAX_LEASES) this.leases.clear();
  }
}

function record(hits: number, windowMs: number, limit: number): ThrottlerStorageRecord {
  const seconds = Math.max(1, Math.ceil(windowMs / 1_000));
  const isBlocked = hits > limit;
  return {
    totalHits: hits,
    timeToExpire: seconds,
    isBlocked,
    timeToBlockExpire: isBlocked ? seconds : 0,
  };
}
