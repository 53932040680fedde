import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CacheVersionsService } from '../../common/cache/cache-versions.service';
import { AppConfig } from '../../config/app-config';
import { AssetsRepository, type AssetTicker } from '../../cryptocurrencies/assets.repository';
import { CandlesRepository } from '../../price-history/candles.repository';
import { LatestPriceStore } from '../../price-history/latest-price.store';
import { PriceBus, type CandleUpdated, type PriceUpdated } from '../../price-history/price-bus';
import { IngestionRepository } from '../ingestion.repository';
import { assetName } from '../known-assets';
import { CandleAggregator, type Drained, type LiveCandle, type Trade } from './candle-aggregator';

/** Trades of a minute may arrive this long after it ends; only then is it closed locally. */
const CLOSE_GRACE_MS = 2_000;
/** 24 h change and volume (from the listing sources) are re-read this often. */
const TICKER_REFRESH_MS = 60_000;

/**
 * One live source (the Binance stream, the simulator): trades go into a candle aggregator;
 * every LIVE_FLUSH_MS what changed is written — candles and the source's checkpoint in one
 * transaction — and only after commit do latest prices, cache invalidation and the price
 * bus see it. A failed write keeps the candles for the next flush (bounded) and is logged
 * once per outage.
 */
export class LiveFeed {
  private readonly logger: Logger;
  private readonly aggregator = new CandleAggregator();
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private tickers = new Map<string, AssetTicker>();
  private tickersReadAt = 0;
  private failing = false;
  /** Newest closed minute written per symbol (the stream checkpoint). */
  private readonly lastClosed: Record<string, number> = {};

  constructor(
    readonly source: string,
    private readonly deps: LiveFeedFactory,
  ) {
    this.logger = new Logger(`LiveFeed:${source}`);
  }

  addTrade(trade: Trade): void {
    this.aggregator.add(trade);
  }

  addFinalCandle(candle: LiveCandle): void {
    this.aggregator.addFinal(candle);
  }

  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.deps.config.ingestion.liveFlushMs);
  }

  /** Stops the timer and writes what is left. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  /** Writes what changed since the last flush; one flush at a time. */
  flush(): Promise<void> {
    this.flushing ??= this.write().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async write(): Promise<void> {
    this.aggregator.closeElapsed(Date.now() - CLOSE_GRACE_MS);
    const drained = this.aggregator.drain();
    if (drained.candles.length === 0 && drained.prices.size === 0) return;
    try {
      await this.persist(drained);
      if (this.failing) this.logger.log('writes succeed again');
      this.failing = false;
    } catch (error) {
      this.aggregator.restore(drained);
      // Assets created by the rolled-back transaction do not exist: read the ids again.
      this.tickers = new Map();
      if (!this.failing) {
        this.logger.warn(
          `writes failing, keeping ${this.aggregator.pendingCount} candles for the next try: ${(error as Error).message}`,
        );
      }
      this.failing = true;
      return;
    }
    await this.publish(drained);
  }

  private async persist({ candles }: Drained): Promise<void> {
    const { dataSource, assets, candles: repository, runs } = this.deps;
    const symbols = [...new Set(candles.map((c) => c.symbol))];
    await dataSource.transaction(async (manager) => {
      const missing = symbols.filter((s) => !this.tickers.has(s));
      if (missing.length > 0 || Date.now() - this.tickersReadAt > TICKER_REFRESH_MS) {
        const all = [...new Set([...this.tickers.keys(), ...symbols])];
        this.tickers = await assets.findOrCreateTickers(
          all.map((symbol) => ({ symbol, name: assetName(symbol), source: this.source })),
          manager,
        );
        this.tickersReadAt = Date.now();
      }
      await repository.upsert(
        candles.map((c) => ({
          assetId: this.tickers.get(c.symbol)!.id,
          openTime: new Date(c.openTime),
          source: this.source,
          open: c.open,
          high: c.high,
          low: c.low,
          close: c.close,
          volume: c.volume,
          quoteVolume: c.quoteVolume,
          tradeCount: c.tradeCount,
          isClosed: c.isClosed,
        })),
        manager,
      );
      const closed = { ...this.lastClosed };
      for (const c of candles) {
        if (c.isClosed && c.openTime > (closed[c.symbol] ?? 0)) closed[c.symbol] = c.openTime;
      }
      await runs.saveCheckpoint(manager, this.source, 'stream', {
        last_closed_open_time: closed,
        written_at: new Date().toISOString(),
      });
      Object.assign(this.lastClosed, closed);
    });
  }

  private async publish({ candles, prices }: Drained): Promise<void> {
    const { latestPrices, cacheVersions, priceBus } = this.deps;
    const priceEvents: PriceUpdated[] = [...prices].map(([symbol, trade]) => ({
      symbol,
      price: trade.price,
      change24h: this.tickers.get(symbol)?.priceChangePercentage24h ?? null,
      volume24h: this.tickers.get(symbol)?.totalVolume ?? null,
      timestamp: trade.time,
      source: this.source,
    }));
    const candleEvents: CandleUpdated[] = candles
      .sort((a, b) => a.openTime - b.openTime)
      .map((c) => ({
        symbol: c.symbol,
        timeframe: '1m',
        openTime: c.openTime,
        open: c.open,
        high: c.high,
        low: c.low,
        close: c.close,
        volume: c.volume,
        isClosed: c.isClosed,
        source: this.source,
      }));
    await latestPrices.set(priceEvents);
    await cacheVersions.invalidateSymbols([...new Set(candles.map((c) => c.symbol))]);
    priceBus.publishPrices(priceEvents);
    priceBus.publishCandles(candleEvents);
  }
}

/** Builds live feeds with what they write to. */
@Injectable()
export class LiveFeedFactory {
  constructor(
    readonly config: AppConfig,
    readonly dataSource: DataSource,
    readonly assets: AssetsRepository,
    readonly candles: CandlesRepository,
    readonly runs: IngestionRepository,
    readonly latestPrices: LatestPriceStore,
    readonly cacheVersions: CacheVersionsService,
    readonly priceBus: PriceBus,
  ) {}

  create(source: string): LiveFeed {
    return new LiveFeed(source, this);
  }
}
