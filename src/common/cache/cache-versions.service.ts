import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '../../config/app-config';
import { REDIS_CLIENT } from '../../redis/redis.constants';
import { RedisKeys } from '../../redis/redis-keys';

const LISTING_FIELD = 'list';
/** Part of every generation: a bulk import bumps this one field instead of one per symbol. */
const ALL_FIELD = 'all';
const symbolField = (symbol: string) => `sym:${symbol}`;

/**
 * Cache generations. A cached response's key embeds the generation of what it depends on;
 * invalidating bumps the generation, so every older entry becomes unreachable at once (and
 * expires by TTL) — on every instance, since the counters live in Redis.
 *
 * Bumps are rate-bounded (CACHE_INVALIDATION_INTERVAL_MS, default 1 s): the first change
 * after a quiet interval bumps at once; changes within the interval are gathered and bumped
 * together when it ends. So a live feed flushing many times a second costs each cached answer
 * one recomputation per interval, and no answer lags the data by more than the interval (plus
 * one Redis round trip).
 */
@Injectable()
export class CacheVersionsService implements OnApplicationShutdown {
  private readonly logger = new Logger(CacheVersionsService.name);
  private readonly local = new Map<string, number>();
  private readonly intervalMs: number;
  /** Fields changed since the last bump, waiting for the interval to end. */
  private readonly pending = new Set<string>();
  private lastBumpAt = -Infinity;
  private timer?: NodeJS.Timeout;
  private closed = false;
  /** A bump failed (Redis away): this instance's cached answers may be older than the data. */
  private unpublished = false;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis | null,
    private readonly keys: RedisKeys,
    config: AppConfig,
  ) {
    this.intervalMs = config.cache.invalidationIntervalMs;
    // Back from an outage: publish what could not be, before anything is served from cache.
    redis?.on('ready', () => {
      if (this.unpublished && !this.timer) void this.bump();
    });
  }

  /**
   * The generation token for a scope, or null when it cannot be known (Redis down, or a bump
   * of this instance not yet published after an outage): then the cache is bypassed.
   */
  async current(symbol?: string): Promise<string | null> {
    const field = symbol ? symbolField(symbol) : LISTING_FIELD;
    if (!this.redis) {
      return `${this.local.get(ALL_FIELD) ?? 0}.${this.local.get(field) ?? 0}`;
    }
    if (this.unpublished) return null;
    try {
      const [all, own] = await this.redis.hmget(this.keys.cacheVersions, ALL_FIELD, field);
      return `${all ?? 0}.${own ?? 0}`;
    } catch {
      return null;
    }
  }

  /**
   * Makes every cached response stale, whatever it is about: for a bulk import, where a
   * generation per symbol would mean hundreds of thousands of counters (and as many Redis
   * commands at once). Timed like invalidateSymbols.
   */
  async invalidateAll(): Promise<void> {
    this.pending.add(ALL_FIELD);
    return this.schedule();
  }

  /**
   * Makes every cached response about these symbols, and every listing, stale: at once when
   * the last bump is older than the interval (resolved once done), otherwise when the interval
   * ends (resolved at once; the bump follows within the interval).
   */
  async invalidateSymbols(symbols: readonly string[]): Promise<void> {
    this.pending.add(LISTING_FIELD);
    for (const symbol of symbols) this.pending.add(symbolField(symbol.toUpperCase()));
    return this.schedule();
  }

  private async schedule(): Promise<void> {
    if (this.timer) return;
    const wait = this.lastBumpAt + this.intervalMs - performance.now();
    if (wait <= 0) return this.bump();
    this.later(wait);
  }

  private later(wait: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.bump();
    }, wait);
    this.timer.unref();
  }

  /** A bump still waiting for its interval is done now, so no change is left unpublished. */
  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.bump();
  }

  private async bump(): Promise<void> {
    const fields = [...this.pending];
    this.pending.clear();
    this.lastBumpAt = performance.now();
    if (!this.redis) {
      for (const field of fields) this.local.set(field, (this.local.get(field) ?? 0) + 1);
      return;
    }
    try {
      const pipeline = this.redis.pipeline();
      for (const field of fields) pipeline.hincrby(this.keys.cacheVersions, field, 1);
      const results = await pipeline.exec();
      const failed = results?.find(([error]) => error)?.[0];
      if (failed) throw failed;
      this.unpublished = false;
    } catch (error) {
      // Redis is down, so nothing is read from the cache meanwhile (lookups bypass it); the
      // bump is retried so that entries of the old generations are not served once it is back.
      this.logger.warn(`cache invalidation postponed: ${(error as Error).message}`);
      this.unpublished = true;
      for (const field of fields) this.pending.add(field);
      if (!this.timer && !this.closed) this.later(Math.max(this.intervalMs, 250));
    }
  }
}
