import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS_CLIENT } from '../redis/redis.constants';
import { RedisKeys } from '../redis/redis-keys';

/** A counter nobody used for this long is dropped (bulk imports touch many symbols once). */
const COUNTER_TTL_SECONDS = 24 * 60 * 60;

/**
 * Per stream: the next value of its counter, at least ARGV[2 + i] (this process's last + 1).
 * A counter that does not exist (first use, Redis restarted without persistence, expired)
 * starts from ARGV[1], the wall clock in milliseconds, so it continues above every number
 * handed out before. Each counter expires COUNTER_TTL_SECONDS after its last use.
 */
const NEXT_SEQUENCES_LUA = `
local out = {}
for i, key in ipairs(KEYS) do
  local floor = tonumber(ARGV[i + 2])
  local value
  if redis.call('EXISTS', key) == 1 then
    value = redis.call('INCR', key)
  else
    value = redis.call('INCRBY', key, math.max(tonumber(ARGV[1]), floor))
  end
  if value < floor then value = redis.call('INCRBY', key, floor - value) end
  redis.call('EXPIRE', key, tonumber(ARGV[2]))
  out[i] = value
end
return out`;

/**
 * The last number of a stream; a counter that does not exist yet starts here, from the wall
 * clock (ARGV[1]) or this process's last (ARGV[3]), whichever is higher, so the next number
 * handed out is exactly one above what a snapshot reported.
 */
const CURRENT_SEQUENCE_LUA = `
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('SET', KEYS[1], math.max(tonumber(ARGV[1]), tonumber(ARGV[3])), 'EX', tonumber(ARGV[2]))
end
return redis.call('GET', KEYS[1])`;

type SequenceClient = Redis & {
  nextSequences(...keysThenArgs: (string | number)[]): Promise<number[]>;
  currentSequence(key: string, now: number, ttl: number, floor: number): Promise<string>;
};

/**
 * Per-stream sequence numbers (`price:BTC`, `candle:BTC`) that only ever increase: across
 * instances (one counter per stream in Redis), across restarts of the service, and across
 * restarts of a Redis that keeps nothing on disk. A counter that has to start afresh — in
 * Redis or, without Redis, in this process — starts from the wall clock in milliseconds,
 * which is above any earlier value as long as a stream gets fewer than 1,000 numbers a
 * second on average (updates are coalesced to one per WS_MIN_INTERVAL_MS). While Redis is
 * away, an in-process counter continues from the last value this process saw.
 */
@Injectable()
export class SequenceStore {
  private readonly logger = new Logger(SequenceStore.name);
  private readonly local = new Map<string, number>();
  private redisFailing = false;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis | null,
    private readonly keys: RedisKeys,
  ) {
    if (redis && !('nextSequences' in redis)) {
      redis.defineCommand('nextSequences', { lua: NEXT_SEQUENCES_LUA });
      redis.defineCommand('currentSequence', { numberOfKeys: 1, lua: CURRENT_SEQUENCE_LUA });
    }
  }

  /** The next number of each stream, in order (a stream named twice gets two numbers). */
  async next(streams: readonly string[]): Promise<number[]> {
    if (streams.length === 0) return [];
    const counted = this.redis ? await this.incrementInRedis(this.redis, streams) : null;
    return streams.map((stream, i) => {
      const last = this.local.get(stream);
      const value = counted?.[i] ?? (last === undefined ? Date.now() : last + 1);
      this.local.set(stream, Math.max(value, last ?? 0));
      return value;
    });
  }

  /**
   * The last number handed out for a stream. Before the first, the counter is started (from
   * the clock), so a snapshot's seq is always one below the next update's.
   */
  async current(stream: string): Promise<number> {
    const last = this.local.get(stream) ?? 0;
    if (this.redis) {
      try {
        const value = Number(
          await (this.redis as SequenceClient).currentSequence(
            this.keys.realtimeSeq(stream),
            Date.now(),
            COUNTER_TTL_SECONDS,
            last,
          ),
        );
        if (!Number.isNaN(value)) {
          const current = Math.max(value, last);
          this.local.set(stream, current);
          return current;
        }
      } catch {
        // Redis away: the local counter answers.
      }
    }
    const current = last || Date.now();
    this.local.set(stream, current);
    return current;
  }

  private async incrementInRedis(
    redis: Redis,
    streams: readonly string[],
  ): Promise<number[] | null> {
    // A stream named twice in one batch must get two numbers: floors count up per mention.
    const floors = new Map<string, number>();
    const floorOf = (stream: string) => {
      const floor = (floors.get(stream) ?? this.local.get(stream) ?? 0) + 1;
      floors.set(stream, floor);
      return floor;
    };
    try {
      const values = (
        await (redis as SequenceClient).nextSequences(
          streams.length,
          ...streams.map((stream) => this.keys.realtimeSeq(stream)),
          Date.now(),
          COUNTER_TTL_SECONDS,
          ...streams.map(floorOf),
        )
      ).map(Number);
      if (values.length !== streams.length || values.some(Number.isNaN)) {
        throw new Error('counter script failed');
      }
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
