import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS_CLIENT } from '../../redis/redis.constants';
import { RedisKeys } from '../../redis/redis-keys';

const LISTING_FIELD = 'list';
const symbolField = (symbol: string) => `sym:${symbol}`;

/**
 * Cache generations. A cached response's key embeds the generation of what it depends on;
 * invalidating bumps the generation, so every older entry becomes unreachable at once (and
 * expires by TTL) — on every instance, since the counters live in Redis.
 */
@Injectable()
export class CacheVersionsService {
  private readonly logger = new Logger(CacheVersionsService.name);
  private readonly local = new Map<string, number>();

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis | null,
    private readonly keys: RedisKeys,
  ) {}

  /** The generation token for a scope, or null when it cannot be known (Redis down). */
  async current(symbol?: string): Promise<string | null> {
    const field = symbol ? symbolField(symbol) : LISTING_FIELD;
    if (!this.redis) return String(this.local.get(field) ?? 0);
    try {
      return (await this.redis.hget(this.keys.cacheVersions, field)) ?? '0';
    } catch {
      return null;
    }
  }

  /** Makes every cached response about these symbols, and every listing, stale. */
  async invalidateSymbols(symbols: readonly string[]): Promise<void> {
    const fields = [LISTING_FIELD, ...new Set(symbols.map((s) => symbolField(s.toUpperCase())))];
    if (!this.redis) {
      for (const field of fields) this.local.set(field, (this.local.get(field) ?? 0) + 1);
      return;
    }
    try {
      const pipeline = this.redis.pipeline();
      for (const field of fields) pipeline.hincrby(this.keys.cacheVersions, field, 1);
      await pipeline.exec();
    } catch (error) {
      // Redis is down, so nothing can be read from the cache either (lookups bypass it).
      this.logger.warn(`cache invalidation skipped: ${(error as Error).message}`);
    }
  }
}
