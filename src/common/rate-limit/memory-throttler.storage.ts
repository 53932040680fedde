import type { ThrottlerStorage } from '@nestjs/throttler';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

const SWEEP_EVERY_MS = 60_000;

/**
 * Rate-limit counters in this process (embedded mode): the same fixed windows as
 * RedisThrottlerStorage, in O(1) per request. (@nestjs/throttler's own in-memory storage
 * keeps a timestamp per hit and filters them on every request: O(hits) per request, which a
 * high limit turns into milliseconds.) Expired windows are swept as requests come, no timer.
 */
export class MemoryThrottlerStorage implements ThrottlerStorage {
  private readonly windows = new Map<string, { hits: number; endsAt: number }>();
  private nextSweep = Date.now() + SWEEP_EVERY_MS;

  increment(key: string, ttl: number, limit: number): Promise<ThrottlerStorageRecord> {
    return Promise.resolve(this.take(key, ttl, limit));
  }

  /** A hit counted at once (the counters are in this process). */
  take(key: string, ttl: number, limit: number): ThrottlerStorageRecord {
    const now = Date.now();
    if (now >= this.nextSweep) this.sweep(now);
    let window = this.windows.get(key);
    if (!window || window.endsAt <= now) {
      window = { hits: 0, endsAt: now + ttl };
      this.windows.set(key, window);
    }
    window.hits++;
    const seconds = Math.ceil((window.endsAt - now) / 1_000);
    const isBlocked = window.hits > limit;
    return {
      totalHits: window.hits,
      timeToExpire: seconds,
      isBlocked,
      timeToBlockExpire: isBlocked ? Math.max(1, seconds) : 0,
    };
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
    this.nextSweep = now + SWEEP_EVERY_MS;
  }
}
