import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';

/**
 * Every Redis key the service writes is built here, under one configurable prefix
 * (REDIS_KEY_PREFIX), so that keys are easy to find and expire, and one Redis can serve
 * several deployments (or test runs) without them seeing each other's data.
 */
@Injectable()
export class RedisKeys {
  readonly prefix: string;

  constructor(config: AppConfig) {
    this.prefix = config.redis.keyPrefix;
  }

  /** Namespace of the REST response cache (Keyv adds its own separator). */
  get cacheNamespace(): string {
    return `${this.prefix}:cache`;
  }

  /** Hash of cache generations: a field per symbol (`sym:BTC`) plus `list` for listings. */
  get cacheVersions(): string {
    return `${this.prefix}:cache:versions`;
  }

  /** A rate-limit counter (`<throttler>:<client>`), shared by every instance. */
  rateLimit(key: string): string {
    return `${this.prefix}:ratelimit:${key}`;
  }

  /** Latest known price of a symbol (JSON), written on ingestion. */
  latestPrice(symbol: string): string {
    return `${this.prefix}:price:latest:${symbol}`;
  }

  /** Per-symbol sequence counter of real-time updates (`price:BTC`, `candle:BTC`). */
  realtimeSeq(stream: string): string {
    return `${this.prefix}:rt:seq:${stream}`;
  }

  /**
   * Sorted set of the live-candle timeframes some instance's client watches (`BTC:1h`),
   * scored by when the announcement expires (epoch ms).
   */
  get watchedTimeframes(): string {
    return `${this.prefix}:rt:watched-timeframes`;
  }

  /** Pub/sub channel on which a revoked API key's hash is announced to every instance. */
  get apiKeyRevocations(): string {
    return `${this.prefix}:auth:revoked`;
  }

  /** Stream, pub/sub channel and session keys of the Socket.IO adapter. */
  get socketIo(): { stream: string; channelPrefix: string; sessionPrefix: string } {
    return {
      stream: `${this.prefix}:sio:stream`,
      channelPrefix: `${this.prefix}:sio`,
      sessionPrefix: `${this.prefix}:sio:session:`,
    };
  }
}
