import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Subject, type Observable, type Subscription } from 'rxjs';
import { OhlcService } from '../price-history/ohlc.service';
import { PriceBus, type CandleUpdated } from '../price-history/price-bus';
import { TIMEFRAMES, TIMEFRAME_MS, bucketStart, type Timeframe } from '../price-history/timeframe';
import { rollUp, type MinuteCandle } from './candle-rollup';
import { WatchedTimeframesService } from './watched-timeframes.service';

/** A live candle of any timeframe, as the stream sends it. */
export type LiveCandle = Omit<CandleUpdated, 'timeframe'> & { timeframe: Timeframe };

interface Bucket {
  openTime: number;
  minutes: Map<number, MinuteCandle>;
  closedSent: boolean;
}

const ROLLED = TIMEFRAMES.filter((timeframe) => timeframe !== '1m');

/**
 * Live candles longer than a minute, rolled up from the committed 1-minute candles of
 * their bucket (candle-rollup.ts): the bucket's stored minutes are read once when a
 * timeframe starts being watched mid-bucket, then each live minute updates it. Only the
 * timeframes a client watches are rolled up: of this instance, and with Redis of any
 * instance (watched-timeframes.service.ts).
 */
@Injectable()
export class LiveCandlesService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(LiveCandlesService.name);
  private readonly output = new Subject<LiveCandle>();
  readonly candles$: Observable<LiveCandle> = this.output.asObservable();
  /** By `symbol:timeframe`: the bucket being filled. */
  private readonly buckets = new Map<string, Bucket>();
  /** Per symbol, minutes are rolled in order, one after the other. */
  private readonly queues = new Map<string, Promise<void>>();
  private subscription?: Subscription;

  constructor(
    private readonly bus: PriceBus,
    private readonly watched: WatchedTimeframesService,
    private readonly ohlc: OhlcService,
  ) {}

  onModuleInit(): void {
    this.subscription = this.bus.candles$.subscribe((minute) => {
      const previous = this.queues.get(minute.symbol) ?? Promise.resolve();
      const next = previous
        .then(() => this.roll(minute))
        .catch((error: unknown) =>
          this.logger.error({ err: error }, `live ${minute.symbol} candles not rolled up`),
        );
      this.queues.set(minute.symbol, next);
      void next.then(() => {
        if (this.queues.get(minute.symbol) === next) this.queues.delete(minute.symbol);
      });
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
    this.output.complete();
  }

  private timeframesFor(symbol: string): Timeframe[] {
    const wanted = this.watched.wanted(symbol);
    return ROLLED.filter((timeframe) => wanted.has(timeframe));
  }

  private async roll(minute: CandleUpdated): Promise<void> {
    const timeframes = this.timeframesFor(minute.symbol);
    for (const timeframe of ROLLED) {
      if (!timeframes.includes(timeframe)) this.buckets.delete(`${minute.symbol}:${timeframe}`);
    }
    for (const timeframe of timeframes) {
      const key = `${minute.symbol}:${timeframe}`;
      const openTime = bucketStart(minute.openTime, timeframe);
      let bucket = this.buckets.get(key);
      if (bucket && openTime < bucket.openTime) continue; // a late minute of a finished bucket
      if (bucket && openTime > bucket.openTime) {
        if (!bucket.closedSent) this.send(minute, timeframe, bucket, true);
        bucket = undefined;
      }
      if (!bucket) {
        bucket = {
          openTime,
          minutes: await this.storedMinutes(minute, openTime),
          closedSent: false,
        };
        this.buckets.set(key, bucket);
      }
      bucket.minutes.set(minute.openTime, minute);
      this.send(minute, timeframe, bucket, false);
    }
  }

  /** The minutes of the bucket stored before this one, as /ohlc reads them. */
  private async storedMinutes(
    minute: CandleUpdated,
    openTime: number,
  ): Promise<Map<number, MinuteCandle>> {
    const minutes = new Map<number, MinuteCandle>();
    const before = (minute.openTime - openTime) / TIMEFRAME_MS['1m'];
    if (before <= 0) return minutes;
    const series = await this.ohlc.series(minute.symbol, '1m', {
      start: new Date(openTime),
      limit: before,
    });
    for (const { timestamp, open, high, low, close, volume, is_closed } of series.candles) {
      // USD candles always have prices (null is only a missing exchange rate of another currency).
      if (timestamp >= minute.openTime || open === null || high === null) continue;
      if (low === null || close === null) continue;
      minutes.set(timestamp, {
        openTime: timestamp,
        open,
        high,
        low,
        close,
        volume,
        isClosed: is_closed,
      });
    }
    return minutes;
  }

  private send(minute: CandleUpdated, timeframe: Timeframe, bucket: Bucket, close: boolean): void {
    const rolled = rollUp(bucket.minutes.values(), timeframe);
    const isClosed = close || rolled.isClosed;
    if (bucket.closedSent) return;
    bucket.closedSent = isClosed;
    this.output.next({ ...rolled, isClosed, symbol: minute.symbol, source: minute.source });
  }
}
