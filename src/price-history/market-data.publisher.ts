import { Injectable } from '@nestjs/common';
import { CacheVersionsService } from '../common/cache/cache-versions.service';
import { LatestPriceStore } from './latest-price.store';
import { PriceBus, type CandleUpdated, type PriceUpdated } from './price-bus';

/** What one committed unit of work changed. */
export interface MarketDataChange {
  /** Trusted prices: written to the latest-price store and, when newest, published. */
  prices?: readonly PriceUpdated[];
  /** Committed 1-minute candles: published (oldest first). */
  candles?: readonly CandleUpdated[];
  /** Symbols whose cached answers are stale besides those of the prices and candles. */
  symbols?: readonly string[];
}

/** Latest prices written between yields while a bulk import publishes. */
const BULK_CHUNK = 2_000;

/**
 * The one way out for committed market data (listing syncs, kline catch-up, live stream,
 * simulator, imports), called after the transaction commits: latest prices written, cache
 * generations bumped, events on the price bus — in that order, so a client reacting to an
 * event reads the new data. A price older than the one already stored is neither stored nor
 * published: a late listing row never moves subscribers back in time.
 */
@Injectable()
export class MarketDataPublisher {
  constructor(
    private readonly latestPrices: LatestPriceStore,
    private readonly cacheVersions: CacheVersionsService,
    private readonly priceBus: PriceBus,
  ) {}

  async publish({ prices = [], candles = [], symbols = [] }: MarketDataChange): Promise<void> {
    const newest = await this.latestPrices.set(prices);
    const touched = new Set([
      ...symbols,
      ...prices.map((p) => p.symbol),
      ...candles.map((c) => c.symbol),
    ]);
    if (touched.size > 0) await this.cacheVersions.invalidateSymbols([...touched]);
    this.priceBus.publishPrices(newest);
    this.priceBus.publishCandles([...candles].sort((a, b) => a.openTime - b.openTime));
  }

  /**
   * A bulk import (a large CSV, history) is not live data: its prices become the latest
   * where newest, but no events are published (they would flood subscribers and leave a
   * sequence counter behind per row), and the whole cache goes stale at once rather than
   * symbol by symbol.
   */
  async publishBulk(prices: readonly PriceUpdated[]): Promise<void> {
    for (let i = 0; i < prices.length; i += BULK_CHUNK) {
      await this.latestPrices.set(prices.slice(i, i + BULK_CHUNK));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await this.cacheVersions.invalidateAll();
  }
}
