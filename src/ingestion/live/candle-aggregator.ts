// Trades to 1-minute candles, in memory, for the live sources (Binance stream, simulator).
// Pure and synchronous: the feed drains it on a timer and writes what it drained.

const MINUTE = 60_000;
/** Candles kept for writing while writes fail (e.g. the database is down): hours of a busy feed. */
const MAX_PENDING = 100_000;

export interface Trade {
  symbol: string;
  price: number;
  quantity: number;
  /** Epoch ms. */
  time: number;
}

export interface LiveCandle {
  symbol: string;
  /** Epoch ms, on a minute boundary. */
  openTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  quoteVolume: number;
  tradeCount: number;
  isClosed: boolean;
}

export interface LastTrade {
  price: number;
  time: number;
}

export interface Drained {
  /** Every candle changed since the last drain (copies), closed ones included. */
  candles: LiveCandle[];
  /** The last trade of each symbol traded since the last drain. */
  prices: Map<string, LastTrade>;
}

const keyOf = (symbol: string, openTime: number) => `${symbol}@${openTime}`;

export class CandleAggregator {
  /** The candle of each symbol's current minute. */
  private readonly open = new Map<string, LiveCandle>();
  /** Candles to write, by symbol and minute: the last state of each wins. */
  private pending = new Map<string, LiveCandle>();
  private prices = new Map<string, LastTrade>();
  /** Per symbol, the newest minute an exchange declared final: older trades are ignored. */
  private readonly finalThrough = new Map<string, number>();
  /** Trades that arrived for a minute already closed (counted, not applied). */
  lateTrades = 0;
  /** Candles dropped because writes kept failing and the pending set was full. */
  droppedCandles = 0;

  add(trade: Trade): void {
    const openTime = trade.time - (trade.time % MINUTE);
    let candle = this.open.get(trade.symbol);
    if (openTime <= (this.finalThrough.get(trade.symbol) ?? -Infinity)) {
      this.lateTrades++;
      return;
    }
    if (candle && openTime < candle.openTime) {
      this.lateTrades++;
      return;
    }
    if (candle && openTime > candle.openTime) {
      candle.isClosed = true;
      this.markPending(candle);
      candle = undefined;
    }
    if (!candle) {
      candle = {
        symbol: trade.symbol,
        openTime,
        open: trade.price,
        high: trade.price,
        low: trade.price,
        close: trade.price,
        volume: 0,
        quoteVolume: 0,
        tradeCount: 0,
        isClosed: false,
      };
      this.open.set(trade.symbol, candle);
    }
    if (trade.price > candle.high) candle.high = trade.price;
    if (trade.price < candle.low) candle.low = trade.price;
    candle.close = trade.price;
    candle.volume += trade.quantity;
    candle.quoteVolume += trade.price * trade.quantity;
    candle.tradeCount++;
    this.markPending(candle);
    const last = this.prices.get(trade.symbol);
    if (!last || last.time <= trade.time)
      this.prices.set(trade.symbol, { price: trade.price, time: trade.time });
  }

  /**
   * An exchange's final candle (a closed Binance kline) replaces what the trades built:
   * it counts every trade, including any this process missed.
   */
  addFinal(candle: LiveCandle): void {
    const final = { ...candle, isClosed: true };
    this.pending.set(keyOf(final.symbol, final.openTime), final);
    const through = this.finalThrough.get(final.symbol) ?? -Infinity;
    if (final.openTime > through) this.finalThrough.set(final.symbol, final.openTime);
    const open = this.open.get(final.symbol);
    if (open && open.openTime <= final.openTime) this.open.delete(final.symbol);
  }

  /** Closes candles whose minute ended before `now`, so a quiet market's candles still close. */
  closeElapsed(now: number): void {
    for (const [symbol, candle] of this.open) {
      if (candle.openTime + MINUTE <= now) {
        candle.isClosed = true;
        this.markPending(candle);
        this.open.delete(symbol);
      }
    }
  }

  drain(): Drained {
    const candles = [...this.pending.values()].map((c) => ({ ...c }));
    const prices = this.prices;
    this.pending = new Map();
    this.prices = new Map();
    return { candles, prices };
  }

  /** Puts back what a failed write drained, unless something newer replaced it meanwhile. */
  restore(drained: Drained): void {
    for (const candle of drained.candles) {
      const key = keyOf(candle.symbol, candle.openTime);
      if (!this.pending.has(key)) this.pending.set(key, candle);
    }
    for (const [symbol, price] of drained.prices) {
      const current = this.prices.get(symbol);
      if (!current || current.time < price.time) this.prices.set(symbol, price);
    }
    this.trim();
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  private markPending(candle: LiveCandle): void {
    this.pending.set(keyOf(candle.symbol, candle.openTime), candle);
  }

  /** Bounded memory: past MAX_PENDING, the oldest candles go (a backfill can repair them). */
  private trim(): void {
    if (this.pending.size <= MAX_PENDING) return;
    const oldestFirst = [...this.pending].sort((a, b) => a[1].openTime - b[1].openTime);
    for (const [key] of oldestFirst.slice(0, this.pending.size - MAX_PENDING)) {
      this.pending.delete(key);
      this.droppedCandles++;
    }
  }
}
