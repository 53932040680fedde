import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Subject, type Observable, type Subscription } from 'rxjs';
import { AppConfig } from '../config/app-config';
import { AssetsRepository } from '../cryptocurrencies/assets.repository';
import { LatestPriceStore } from '../price-history/latest-price.store';
import { PriceBus, type PriceUpdated } from '../price-history/price-bus';
import { LiveCandlesService, type LiveCandle } from './live-candles.service';
import { mapCandleUpdate, mapPriceUpdate } from './realtime.mapper';
import type { MarketUpdate, PriceUpdatePayload } from './realtime.events';
import { SequenceStore } from './sequence.store';

type BusEvent = { kind: 'price'; event: PriceUpdated } | { kind: 'candle'; event: LiveCandle };

/** What waits for its stream's next slot: the latest price, or the latest state of each candle. */
interface Pending {
  price?: PriceUpdated;
  /** By timeframe and open time: a closed candle is never replaced by the next bucket's first tick. */
  candles: Map<string, LiveCandle>;
  timer?: NodeJS.Timeout;
}

const streamOf = (item: BusEvent): string => `${item.kind}:${item.event.symbol}`;

/**
 * The one subscriber of the price bus on the real-time side: coalesces each symbol's
 * prices (and candles) to at most one every WS_MIN_INTERVAL_MS — the first at once, then
 * the latest of each interval — numbers them, and offers them on `updates$` for fan-out.
 * Coalescing here, at the source, is what every subscriber of a room sees, on every
 * instance, so the per-client guarantee holds through the Redis adapter; the state is one
 * entry per symbol, whatever the number of clients.
 */
@Injectable()
export class PriceStreamService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(PriceStreamService.name);
  private readonly updates = new Subject<MarketUpdate>();
  readonly updates$: Observable<MarketUpdate> = this.updates.asObservable();
  private readonly lastSentAt = new Map<string, number>();
  private readonly pending = new Map<string, Pending>();
  private ready: BusEvent[] = [];
  /** Numbering is asynchronous (Redis); batches go out one after the other, in order. */
  private sending: Promise<void> = Promise.resolve();
  private subscriptions: Subscription[] = [];
  private readonly minIntervalMs: number;

  constructor(
    config: AppConfig,
    private readonly bus: PriceBus,
    private readonly sequences: SequenceStore,
    private readonly latestPrices: LatestPriceStore,
    private readonly assets: AssetsRepository,
    private readonly liveCandles: LiveCandlesService,
  ) {
    this.minIntervalMs = config.realtime.minIntervalMs;
  }

  onModuleInit(): void {
    this.subscriptions = [
      this.bus.prices$.subscribe((event) => this.offer({ kind: 'price', event })),
      this.bus.candles$.subscribe((event) => this.offer({ kind: 'candle', event })),
      this.liveCandles.candles$.subscribe((event) => this.offer({ kind: 'candle', event })),
    ];
  }

  onModuleDestroy(): void {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    for (const entry of this.pending.values()) clearTimeout(entry.timer);
    this.pending.clear();
    this.updates.complete();
  }

  /** The current price of a symbol as a `price_update` (its seq is the last one sent), if known. */
  async snapshot(symbol: string): Promise<PriceUpdatePayload | null> {
    const seq = await this.sequences.current(`price:${symbol}`);
    const latest = await this.latestPrices.get(symbol);
    if (latest) return mapPriceUpdate(latest, seq);
    const asset = await this.assets.findBySymbol(symbol);
    const price = Number(asset?.currentPrice ?? NaN);
    if (!asset || !(price > 0)) return null;
    return mapPriceUpdate(
      {
        symbol,
        price,
        change24h:
          asset.priceChangePercentage24h === null ? null : Number(asset.priceChangePercentage24h),
        volume24h: asset.totalVolume === null ? null : Number(asset.totalVolume),
        timestamp: (asset.lastUpdated ?? new Date()).getTime(),
        source: asset.source,
      },
      seq,
    );
  }

  private offer(item: BusEvent): void {
    const stream = streamOf(item);
    const waiting = this.pending.get(stream);
    if (waiting) {
      this.keep(waiting, item);
      return;
    }
    const now = Date.now();
    const nextSlot = (this.lastSentAt.get(stream) ?? -Infinity) + this.minIntervalMs;
    if (now >= nextSlot) {
      this.lastSentAt.set(stream, now);
      this.enqueue([item]);
      return;
    }
    const entry: Pending = { candles: new Map() };
    this.keep(entry, item);
    entry.timer = setTimeout(() => this.release(stream), nextSlot - now);
    this.pending.set(stream, entry);
  }

  private keep(entry: Pending, item: BusEvent): void {
    if (item.kind === 'price') entry.price = item.event;
    else entry.candles.set(`${item.event.timeframe}:${item.event.openTime}`, item.event);
  }

  private release(stream: string): void {
    const entry = this.pending.get(stream);
    if (!entry) return;
    this.pending.delete(stream);
    this.lastSentAt.set(stream, Date.now());
    const items: BusEvent[] = entry.price ? [{ kind: 'price', event: entry.price }] : [];
    for (const candle of [...entry.candles.values()].sort((a, b) => a.openTime - b.openTime)) {
      items.push({ kind: 'candle', event: candle });
    }
    this.enqueue(items);
  }

  /** Items released in one turn of the event loop are numbered in one Redis round trip. */
  private enqueue(items: BusEvent[]): void {
    if (this.ready.length === 0) setImmediate(() => this.flush());
    this.ready.push(...items);
  }

  private flush(): void {
    const batch = this.ready;
    this.ready = [];
    this.sending = this.sending
      .then(async () => {
        const seqs = await this.sequences.next(batch.map(streamOf));
        batch.forEach((item, i) => {
          this.updates.next(
            item.kind === 'price'
              ? { event: 'price_update', payload: mapPriceUpdate(item.event, seqs[i]) }
              : { event: 'candle_update', payload: mapCandleUpdate(item.event, seqs[i]) },
          );
        });
      })
      .catch((error: unknown) => this.logger.error({ err: error }, 'real-time updates not sent'));
  }
}
