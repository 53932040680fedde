// The in-process price bus: ingestion publishes what it has committed, the real-time module
// listens. Publishers never know who listens; listeners never touch the database. Events
// are published after the data is durable, so a subscriber never sees a price that a
// rolled-back transaction would take back.
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Subject, type Observable } from 'rxjs';

/** A trusted (not anomalous) price, committed and written to the latest-price store. */
export interface PriceUpdated {
  symbol: string;
  price: number;
  /** 24 h change in percent, when the source reports it. */
  change24h: number | null;
  volume24h: number | null;
  /** When the price was observed (epoch ms). */
  timestamp: number;
  source: string;
}

/** A 1-minute candle as committed: still open (`isClosed: false`) or final. */
export interface CandleUpdated {
  symbol: string;
  timeframe: '1m';
  /** Epoch ms. */
  openTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  isClosed: boolean;
  source: string;
}

@Injectable()
export class PriceBus implements OnModuleDestroy {
  private readonly priceSubject = new Subject<PriceUpdated>();
  private readonly candleSubject = new Subject<CandleUpdated>();

  readonly prices$: Observable<PriceUpdated> = this.priceSubject.asObservable();
  readonly candles$: Observable<CandleUpdated> = this.candleSubject.asObservable();

  publishPrices(events: readonly PriceUpdated[]): void {
    for (const event of events) this.priceSubject.next(event);
  }

  publishCandles(events: readonly CandleUpdated[]): void {
    for (const event of events) this.candleSubject.next(event);
  }

  onModuleDestroy(): void {
    this.priceSubject.complete();
    this.candleSubject.complete();
  }
}
