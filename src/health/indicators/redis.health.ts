import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import type Redis from 'ioredis';
import { AppConfig } from '../../config/app-config';
import { REDIS_CLIENT } from '../../redis/redis.constants';

/** Redis is optional: when it is down the service keeps serving from PostgreSQL, degraded. */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    @Inject(REDIS_CLIENT) private readonly redis: Redis | null,
    private readonly config: AppConfig,
  ) {}

  async check(key: 'redis'): Promise<HealthIndicatorResult<'redis'>> {
    const session = this.indicators.check(key);
    const redis = this.redis;
    if (!redis) return session.up({ mode: 'in-memory', message: 'not configured' });
    const result = await session
      .attempt(async () => {
        if (redis.status !== 'ready') throw new Error(`connection ${redis.status}`);
        await redis.ping();
        return { mode: 'server' };
      })
      .withTimeout(this.config.health.timeoutMs);
    const { status, ...details } = result[key];
    return status === 'up' ? result : session.degraded({ mode: 'server', ...details });
  }
}
