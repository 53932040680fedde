import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import type Redis from 'ioredis';
import { OutageLog } from '../common/logging/outage-log';
import { TIMEFRAMES, type Timeframe } from '../price-history/timeframe';
import { REDIS_CLIENT } from '../redis/redis.constants';
import { RedisKeys } from '../redis/redis-keys';
import { SubscriptionsService } from './subscriptions.service';

/** How often each instance announces what its clients watch, and reads what all of them do. */
export const WATCH_ANNOUNCE_MS = 1_000;
/** An announcement not renewed for this long is dropped (its instance stopped or crashed). */
const WATCH_TTL_MS = 15_000;

/**
 * Which live-candle timeframes (longer than a minute) somebody watches, across instances.
 * Without Redis that is this instance's subscription registry. With Redis, the instance that
 * ingests a symbol rolls up its candles for clients of every instance: each instance
 * announces its clients' `symbol:timeframe` pairs every WATCH_ANNOUNCE_MS in a sorted set
 * scored by expiry, and reads everybody's back. A timeframe a client of another instance
 * starts watching is rolled up within about two announcement periods; one nobody watches
 * any more stops within WATCH_TTL_MS. Nothing watched, nothing rolled: live candles of
 * every timeframe for every symbol would multiply the updates sent through Redis by eight.
 */
@Injectable()
export class WatchedTimeframesService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WatchedTimeframesService.name);
  private readonly outage = new OutageLog(this.logger, 'Redis (watched live-candle timeframes)');
  /** By symbol: the timeframes clients of any instance watch (last read from Redis). */
  private cluster = new Map<string, Set<Timeframe>>();
  private timer?: NodeJS.Timeout;
  private exchanging?: Promise<void>;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis | null,
    private readonly keys: RedisKeys,
    private readonly subscriptions: SubscriptionsService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.redis) return;
    void this.exchange();
    this.timer = setInterval(() => void this.exchange(), WATCH_ANNOUNCE_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.exchanging;
  }

  /** The timeframes longer than a minute to roll up for a symbol. */
  wanted(symbol: string): ReadonlySet<Timeframe> {
    const local = this.subscriptions.wantedTimeframes(symbol);
    const cluster = this.cluster.get(symbol);
    if (!cluster) return new Set(local);
    return local.every((timeframe) => cluster.has(timeframe))
      ? cluster
      : new Set([...cluster, ...local]);
  }

  /** One round trip: drop expired announcements, renew ours, read everybody's. */
  private async exchange(): Promise<void> {
    const redis = this.redis;
    if (!redis || this.exchanging) return;
    const now = Date.now();
    const key = this.keys.watchedTimeframes;
    const ours: (number | string)[] = [];
    for (const [symbol, timeframes] of this.subscriptions.allWantedTimeframes()) {
      for (const timeframe of timeframes.keys()) {
        if (timeframe !== '1m') ours.push(now + WATCH_TTL_MS, `${symbol}:${timeframe}`);
      }
    }
    const pipeline = redis.multi().zremrangebyscore(key, '-inf', now);
    if (ours.length > 0) pipeline.zadd(key, ...ours);
    pipeline.zrangebyscore(key, now, '+inf').pexpire(key, WATCH_TTL_MS);
    this.exchanging = pipeline
      .exec()
      .then((results) => {
        const members = results?.at(-2)?.[1];
        if (!Array.isArray(members)) throw new Error('no answer to ZRANGEBYSCORE');
        this.cluster = bySymbol(members as string[]);
        this.outage.recovered();
      })
      .catch((error: unknown) => {
        // Keep the last view: timeframes watched elsewhere keep being rolled up meanwhile.
        this.outage.failed(error instanceof Error ? error.message : String(error));
      })
      .finally(() => {
        this.exchanging = undefined;
      });
    await this.exchanging;
  }
}

function bySymbol(members: readonly string[]): Map<string, Set<Timeframe>> {
  const out = new Map<string, Set<Timeframe>>();
  for (const member of members) {
    const at = member.lastIndexOf(':');
    const symbol = member.slice(0, at);
    const timeframe = TIMEFRAMES.find((known) => known === member.slice(at + 1));
    if (at <= 0 || !timeframe) continue;
    const timeframes = out.get(symbol) ?? new Set<Timeframe>();
    timeframes.add(timeframe);
    out.set(symbol, timeframes);
  }
  return out;
}
