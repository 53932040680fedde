import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { AssetsRepository } from '../../cryptocurrencies/assets.repository';
import {
  MarketDataPublisher,
  type MarketDataChange,
} from '../../price-history/market-data.publisher';
import { IngestionRepository } from '../ingestion.repository';
import { assetName } from '../known-assets';
import { CandleAggregator, type Drained, type LiveCandle, type Trade } from './candle-aggregator';
import { LiveMarketWriter } from './live-market.writer';

/** Trades of a minute may arrive this long after it ends; only then is it closed locally. */
const CLOSE_GRACE_MS = 2_000;

/**
 * One live source (the Binance stream, the simulator): trades go into a candle aggregator;
 * every LIVE_FLUSH_MS what changed is written — candles, each traded asset's current values
 * (its last trade of the interval), due price snapshots and the source's checkpoint in one
 * transaction — and only after commit is it handed to the MarketDataPublisher. A failed write keeps the candles for the next flush (bounded) and is logged
 * once per outage.
 */
export class LiveFeed {
  private readonly logger: Logger;
  private readonly aggregator = new CandleAggregator();
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  /** Asset id per symbol (assets are never deleted, so ids stay valid once committed). */
  private ids = new Map<string, number>();
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
    let change: MarketDataChange;
    try {
      change = await this.persist(drained);
      if (this.failing) this.logger.log('writes succeed again');
      this.failing = false;
    } catch (error) {
      this.aggregator.restore(drained);
      // Assets created by the rolled-back transaction do not exist: read the ids again.
      this.ids = new Map();
      if (!this.failing) {
        this.logger.warn(
          `writes failing, keeping ${this.aggregator.pendingCount} candles for the next try: ${(error as Error).message}`,
        );
      }
      this.failing = true;
      return;
    }
    await this.deps.publisher.publish(change);
  }

  private async persist({ candles, prices }: Drained): Promise<MarketDataChange> {
    const { dataSource, assets, writer, runs } = this.deps;
    const symbols = [...new Set([...candles.map((c) => c.symbol), ...prices.keys()])];
    return dataSource.transaction(async (manager) => {
      const missing = symbols.filter((s) => !this.ids.has(s));
      if (missing.length > 0) {
        const found = await assets.findOrCreateIds(
          missing.map((symbol) => ({ symbol, name: assetName(symbol), source: this.source })),
          manager,
        );
        for (const [symbol, id] of found) this.ids.set(symbol, id);
      }
      const ticks = [...prices].map(([symbol, trade]) => ({ symbol, ...trade }));
      const { change } = await writer.write(manager, this.source, this.ids, candles, ticks);
      const closed = { ...this.lastClosed };
      for (const c of candles) {
        if (c.isClosed && c.openTime > (closed[c.symbol] ?? 0)) closed[c.symbol] = c.openTime;
      }
      await runs.saveCheckpoint(manager, this.source, 'stream', {
        last_closed_open_time: closed,
        written_at: new Date().toISOString(),
      });
      Object.assign(this.lastClosed, closed);
      return change;
    });
  }
}

/** Builds live feeds with what they write to. */
@Injectable()
export class LiveFeedFactory {
  constructor(
    readonly config: AppConfig,
    readonly dataSource: DataSource,
    readonly assets: AssetsRepository,
    readonly writer: LiveMarketWriter,
    readonly runs: IngestionRepository,
    readonly publisher: MarketDataPublisher,
  ) {}

  create(source: string): LiveFeed {
    return new LiveFeed(source, this);
  }
}
