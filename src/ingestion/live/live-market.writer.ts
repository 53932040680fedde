import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { AssetLiveValuesRepository } from '../../cryptocurrencies/asset-live-values.repository';
import {
  CandlesRepository,
  type CandleWrite,
  type Decimal,
} from '../../price-history/candles.repository';
import type { MarketDataChange } from '../../price-history/market-data.publisher';
import type { CandleUpdated, PriceUpdated } from '../../price-history/price-bus';
import { PriceSnapshotsRepository } from '../../price-history/price-snapshots.repository';

/** A 1-minute candle from a live source: built from trades, or an exchange's kline. */
export interface LiveCandleInput {
  symbol: string;
  /** Epoch ms, on a minute boundary. */
  openTime: number;
  open: Decimal;
  high: Decimal;
  low: Decimal;
  close: Decimal;
  volume: Decimal;
  quoteVolume: Decimal | null;
  tradeCount: number;
  isClosed: boolean;
}

/** A source's newest price of a symbol. */
export interface LiveTickInput {
  symbol: string;
  price: Decimal;
  /** Epoch ms. */
  time: number;
}

export function candleRow(assetId: number, source: string, c: LiveCandleInput): CandleWrite {
  return {
    assetId,
    openTime: new Date(c.openTime),
    source,
    open: c.open,
    high: c.high,
    low: c.low,
    close: c.close,
    volume: c.volume,
    quoteVolume: c.quoteVolume,
    tradeCount: c.tradeCount,
    isClosed: c.isClosed,
  };
}

export function candleEvent(source: string, c: LiveCandleInput): CandleUpdated {
  return {
    symbol: c.symbol,
    timeframe: '1m',
    openTime: c.openTime,
    open: Number(c.open),
    high: Number(c.high),
    low: Number(c.low),
    close: Number(c.close),
    volume: Number(c.volume),
    isClosed: c.isClosed,
    source,
  };
}

/**
 * What every live source (trade stream, simulator, kline catch-up) writes in its
 * transaction: the candles, then each ticked asset's current values (price, rolling 24 h
 * figures from those candles, `last_updated`; an older tick never overwrites a newer one),
 * and a price snapshot per asset at most every LIVE_SNAPSHOT_INTERVAL_SECONDS of observed
 * time, so /history moves. Returns what to publish once the transaction commits: the prices
 * with the 24 h figures the asset rows now hold, and the candles.
 */
@Injectable()
export class LiveMarketWriter {
  /** Per source and symbol, the observation time of the last snapshot written. */
  private readonly snapshotAt = new Map<string, number>();

  constructor(
    private readonly config: AppConfig,
    private readonly candles: CandlesRepository,
    private readonly liveValues: AssetLiveValuesRepository,
    private readonly snapshots: PriceSnapshotsRepository,
  ) {}

  async write(
    manager: EntityManager,
    source: string,
    ids: ReadonlyMap<string, number>,
    candles: readonly LiveCandleInput[],
    ticks: readonly LiveTickInput[],
  ): Promise<{ written: { created: number; updated: number }; change: MarketDataChange }> {
    const written = await this.candles.upsert(
      candles.map((c) => candleRow(ids.get(c.symbol)!, source, c)),
      manager,
    );
    const tickOf = new Map(ticks.map((t) => [ids.get(t.symbol)!, t]));
    const values = await this.liveValues.apply(
      source,
      [...tickOf].map(([assetId, t]) => ({ assetId, price: t.price, time: new Date(t.time) })),
      manager,
    );
    const interval = this.config.ingestion.liveSnapshotIntervalMs;
    const due = values.filter(
      (v) =>
        (this.snapshotAt.get(`${source}:${v.symbol}`) ?? -Infinity) + interval <=
        tickOf.get(v.assetId)!.time,
    );
    await this.snapshots.insert(
      due.map((v) => ({
        assetId: v.assetId,
        timestamp: new Date(tickOf.get(v.assetId)!.time),
        source,
        price: v.price,
        marketCap: v.marketCap,
        totalVolume: v.volume24h,
      })),
      manager,
    );
    for (const v of due) this.snapshotAt.set(`${source}:${v.symbol}`, tickOf.get(v.assetId)!.time);
    const prices: PriceUpdated[] = values.map((v) => ({
      symbol: v.symbol,
      price: Number(tickOf.get(v.assetId)!.price),
      change24h: v.changePercentage24h,
      volume24h: v.volume24h,
      timestamp: tickOf.get(v.assetId)!.time,
      source,
    }));
    return { written, change: { prices, candles: candles.map((c) => candleEvent(source, c)) } };
  }
}
