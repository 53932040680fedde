import { KeyvCacheableMemory } from '@cacheable/memory';
import { CacheModule } from '@nestjs/cache-manager';
import { Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { KeyvAdapter, type CacheManagerStore } from 'cache-manager';
import { redisInsStore } from 'cache-manager-ioredis-yet';
import type Redis from 'ioredis';
import Keyv from 'keyv';
import { AppConfig } from '../config/app-config';
import { closeRedisClient, createRedisClient } from './redis-client.factory';
import { REDIS_CLIENT } from './redis.constants';
import { RedisKeys } from './redis-keys';

const MEMORY_CACHE_MAX_ENTRIES = 10_000;

@Global()
@Module({
  providers: [
    RedisKeys,
    {
      provide: REDIS_CLIENT,
      inject: [AppConfig],
      useFactory: (config: AppConfig): Promise<Redis> | null =>
        config.redis.url ? createRedisClient(config.redis.url) : null,
    },
  ],
  exports: [REDIS_CLIENT, RedisKeys],
})
class RedisClientModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis | null) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.redis) await closeRedisClient(this.redis);
  }
}

/**
 * Redis when REDIS_URL is set (one shared connection), in-memory otherwise; and the
 * global cache-manager on top of it. A failing cache store is logged and treated as a
 * miss, never as a failed request.
 */
@Global()
@Module({
  imports: [
    RedisClientModule,
    CacheModule.registerAsync({
      isGlobal: true,
      imports: [RedisClientModule],
      inject: [AppConfig, REDIS_CLIENT, RedisKeys],
      useFactory: (config: AppConfig, redis: Redis | null, keys: RedisKeys) => {
        const ttl = config.cache.ttlSeconds * 1_000;
        const store = redis
          ? // The store's typings still name cache-manager 5's Store; at runtime it is the
            // get/set/del/mget store shape that KeyvAdapter wraps.
            new KeyvAdapter(redisInsStore(redis, { ttl }) as unknown as CacheManagerStore)
          : new KeyvCacheableMemory({ lruSize: MEMORY_CACHE_MAX_ENTRIES, ttl });
        // Serialising is the store's job (the Redis store encodes every value itself, the
        // memory store keeps objects): a second JSON layer in Keyv would escape and parse
        // every cached body twice, which profiled as half the CPU of a cached listing read.
        const keyv = new Keyv({
          store,
          namespace: keys.cacheNamespace,
          ttl,
          serialize: undefined,
          deserialize: undefined,
        });
        const logger = new Logger('Cache');
        keyv.on('error', (error: unknown) => logger.debug({ err: error }, 'cache store error'));
        return { stores: [keyv], ttl };
      },
    }),
  ],
  exports: [RedisClientModule, CacheModule],
})
export class RedisModule {}
