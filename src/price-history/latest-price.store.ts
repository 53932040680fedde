import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS_CLIENT } from '../redis/redis.constants';
import { RedisKeys } from '../redis/redis-keys';

export interface LatestPrice {
  symbol: string;
  price: number;
  /** When the price was observed (epoch ms). */
  timestamp: number;
  source: string;
  change24h?: number | null;
  volume24h?: number | null;
}

/** Latest prices outlive any cache TTL but not forever: a dead feed must not look alive. */
const LATEST_PRICE_TTL_SECONDS = 7 * 86_400;

/**
 * The latest price per symbol, written on ingestion and read on every price request:
 * in Redis (shared by all instances) or, without Redis, in memory. Reads never fail:
 * when Redis is unreachable they answer "unknown" and callers fall back to PostgreSQL.
 */
@Injectable()
export class LatestPriceStore {
  private readonly logger = new Logger(LatestPriceStore.name);
  private readonly memory = new Map<string, LatestPrice>();

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis | null,
    private readonly keys: RedisKeys,
  ) {}

  async get(symbol: string): Promise<LatestPrice | null> {
    if (!this.redis) return this.memory.get(symbol) ?? null;
    try {
      const value = await this.redis.get(this.keys.latestPrice(symbol));
      return value ? (JSON.parse(value) as LatestPrice) : null;
    } catch {
      return null;
    }
  }

  /**
   * Records prices, keeping a newer stored price over an older incoming one. Returns the
   * prices that are now the latest (all of them when Redis could not be read).
   */
  async set<T extends LatestPrice>(prices: readonly T[]): Promise<T[]> {
    if (prices.length === 0) return [];
    if (!this.redis) {
      return prices.filter((price) => {
        const current = this.memory.get(price.symbol);
        if (current && current.timestamp > price.timestamp) return false;
        this.memory.set(price.symbol, price);
        return true;
      });
    }
    try {
      const existing = await this.redis.mget(prices.map((p) => this.keys.latestPrice(p.symbol)));
      const pipeline = this.redis.pipeline();
      const newest = prices.filter((price, i) => {
        const stored = existing[i] ? (JSON.parse(existing[i]) as LatestPrice) : null;
        if (stored && stored.timestamp > price.timestamp) return false;
        pipeline.set(
          this.keys.latestPrice(price.symbol),
          JSON.stringify(price),
          'EX',
          LATEST_PRICE_TTL_SECONDS,
        );
        return true;
      });
      await pipeline.exec();
      return newest;
    } catch (error) {
      this.logger.warn(`latest prices not written to Redis: ${(error as Error).message}`);
      return [...prices];
    }
  }
}
