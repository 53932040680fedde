import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS_CLIENT } from '../redis/redis.constants';
import { RedisKeys } from '../redis/redis-keys';

/**
 * Per-stream sequence numbers (`price:BTC`, `candle:BTC`). With Redis they come from INCR,
 * so they keep increasing across instances and restarts; without Redis (or while it is
 * away) from an in-process counter that continues from the last value this process saw.
 */
@Injectable()
export class SequenceStore {
  private readonly logger = new Logger(SequenceStore.name);
  private readonly local = new Map<string, number>();
  private redisFailing = false;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis | null,
    private readonly keys: RedisKeys,
  ) {}

  /** The next number of each stream, in order (a stream named twice gets two numbers). */
  async next(streams: readonly string[]): Promise<number[]> {
    if (streams.length === 0) return [];
    const counted = this.redis ? await this.incrementInRedis(this.redis, streams) : null;
    return streams.map((stream, i) => {
      const value = counted?.[i] ?? (this.local.get(stream) ?? 0) + 1;
      this.local.set(stream, Math.max(value, this.local.get(stream) ?? 0));
      return value;
    });
  }

  /** The last number handed out for a stream (0 before the first). */
  async current(stream: string): Promise<number> {
    if (this.redis) {
      try {
        const value = Number((await this.redis.get(this.keys.realtimeSeq(stream))) ?? 0);
        this.local.set(stream, Math.max(value, this.local.get(stream) ?? 0));
      } catch {
        // Redis away: the local counter answers.
      }
    }
    return this.local.get(stream) ?? 0;
  }

  private async incrementInRedis(
    redis: Redis,
    streams: readonly string[],
  ): Promise<number[] | null> {
    try {
      const pipeline = redis.pipeline();
      for (const stream of streams) pipeline.incr(this.keys.realtimeSeq(stream));
      const results = (await pipeline.exec()) ?? [];
      const values = results.map(([error, value]) => (error ? NaN : Number(value)));
      if (values.length !== streams.length || values.some(Number.isNaN))
        throw new Error('INCR failed');
      if (this.redisFailing) this.logger.log('sequence numbers counted in Redis again');
      this.redisFailing = false;
      return values;
    } catch (error) {
      if (!this.redisFailing) {
        this.logger.warn(`sequence numbers counted locally: ${(error as Error).message}`);
      }
      this.redisFailing = true;
      return null;
    }
  }
}
