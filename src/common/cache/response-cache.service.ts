import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Cache } from 'cache-manager';
import type Redis from 'ioredis';
import { LRUCache } from 'lru-cache';
import { AppConfig } from '../../config/app-config';
import { REDIS_CLIENT } from '../../redis/redis.constants';
import { decodeEntry, encodeEntry, entrySize, type CachedResponse } from './cached-response';

/**
 * The store behind the REST response cache, in two levels keyed by the versioned key (route,
 * parameters, generation; see CacheVersionsService):
 *
 * 1. in this process, an LRU bounded in bytes (CACHE_MEMORY_MAX_MB): a hit is a map lookup,
 *    the body already bytes and already compressed — nothing is parsed, serialised or
 *    compressed per hit;
 * 2. with Redis, the global cache-manager store shared by every instance, read on a miss of
 *    the first level, so an answer is computed once across instances, not once per instance.
 *
 * A miss is computed once per key however many requests wait for it (single flight): the
 * requests that arrive meanwhile wait for the same promise. Keys embed their generation, so
 * an entry is never served after its data changed; old generations age out of both levels.
 */
@Injectable()
export class ResponseCacheService {
  private readonly logger = new Logger(ResponseCacheService.name);
  private readonly memory: LRUCache<string, CachedResponse>;
  private readonly inflight = new Map<string, Promise<CachedResponse | null>>();
  readonly ttlMs: number;

  constructor(
    @Inject(CACHE_MANAGER) private readonly shared: Cache,
    @Inject(REDIS_CLIENT) private readonly redis: Redis | null,
    config: AppConfig,
  ) {
    this.ttlMs = config.cache.ttlSeconds * 1_000;
    this.memory = new LRUCache<string, CachedResponse>({
      maxSize: config.cache.memoryMaxBytes,
      // An answer larger than a quarter of the budget is served but not kept.
      maxEntrySize: Math.max(1, Math.floor(config.cache.memoryMaxBytes / 4)),
      sizeCalculation: (entry, key) => entrySize(entry) + key.length,
      ttl: this.ttlMs,
    });
  }

  /** The entry of a key from this process's level, if it holds one (synchronous). */
  peek(key: string): CachedResponse | undefined {
    return this.memory.get(key);
  }

  /**
   * The entry of a key, from the shared level or computed by `compute` (null: the answer is
   * not cacheable), once per key at a time in this process.
   */
  resolve(
    key: string,
    compute: () => Promise<CachedResponse | null>,
  ): Promise<CachedResponse | null> {
    const running = this.inflight.get(key);
    if (running) return running;
    const flight = this.load(key, compute).finally(() => this.inflight.delete(key));
    this.inflight.set(key, flight);
    return flight;
  }

  /** Bytes held by the first level (for tests and metrics). */
  get memoryBytes(): number {
    return this.memory.calculatedSize;
  }

  private async load(
    key: string,
    compute: () => Promise<CachedResponse | null>,
  ): Promise<CachedResponse | null> {
    const stored = await this.readShared(key);
    if (stored) {
      this.keep(key, stored);
      return stored;
    }
    const entry = await compute();
    if (!entry) return null;
    this.keep(key, entry);
    if (this.redis) {
      this.shared
        .set(key, encodeEntry(entry), this.ttlMs)
        .catch((error: unknown) => this.logger.debug(`cache write failed: ${String(error)}`));
    }
    return entry;
  }

  private keep(key: string, entry: CachedResponse): void {
    const ttl = entry.storedAt + this.ttlMs - Date.now();
    if (ttl > 0) this.memory.set(key, entry, { ttl });
  }

  /** Without Redis this process's level is the whole cache; a failing store is a miss. */
  private async readShared(key: string): Promise<CachedResponse | undefined> {
    if (!this.redis) return undefined;
    try {
      return decodeEntry(await this.shared.get<string>(key));
    } catch {
      return undefined;
    }
  }
}
