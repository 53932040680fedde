import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule, type ThrottlerStorage } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import type Redis from 'ioredis';
import { AppConfig } from '../../config/app-config';
import { REDIS_CLIENT } from '../../redis/redis.constants';
import { RedisKeys } from '../../redis/redis-keys';
import { requestClientOf } from '../http/request-client';
import { RateLimitGuard, SYNC_THROTTLER, isSyncLimited } from './rate-limit.guard';
import { MemoryThrottlerStorage } from './memory-throttler.storage';
import { RedisThrottlerStorage } from './redis-throttler.storage';
import { UnroutedRequestLimiter } from './unrouted-requests.limiter';

const MINUTE_MS = 60_000;

/**
 * Rate limits on every route (opt out with `@SkipThrottle()`): RATE_LIMIT_PER_MINUTE per
 * client (PARTNER_RATE_LIMIT_PER_MINUTE for partner keys), plus SYNC_RATE_LIMIT_PER_MINUTE on
 * routes marked `@SyncRateLimited()`. Counters live in Redis when there is one (every
 * instance enforces one limit), in memory otherwise.
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [AppConfig, REDIS_CLIENT, RedisKeys],
      useFactory: (config: AppConfig, redis: Redis | null, keys: RedisKeys) => {
        const storage: ThrottlerStorage = redis
          ? new RedisThrottlerStorage(redis, (key) => keys.rateLimit(key))
          : new MemoryThrottlerStorage();
        const { perMinute, partnerPerMinute, syncPerMinute } = config.rateLimit;
        return {
          storage,
          throttlers: [
            {
              name: 'default',
              ttl: MINUTE_MS,
              limit: (context) =>
                requestClientOf(context.switchToHttp().getRequest<FastifyRequest>()).role ===
                'partner'
                  ? partnerPerMinute
                  : perMinute,
            },
            {
              name: SYNC_THROTTLER,
              ttl: MINUTE_MS,
              limit: syncPerMinute,
              skipIf: (context) => !isSyncLimited(context),
            },
          ],
        };
      },
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: RateLimitGuard }, UnroutedRequestLimiter],
  exports: [UnroutedRequestLimiter],
})
export class RateLimitModule {}
