import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { assetName } from '../known-assets';
import { sleep, type RequestHooks } from './http-client';
import { HttpListingProvider } from './http-listing-provider';
import { normaliseListing, shapeProblems, type JsonType } from './listing-normaliser';
import type { FetchedPayload, NormalisedBatch, RejectedRecord } from './market-data-provider';
import { candleProblem, timeProblem } from './record-checks';

const QUOTE = 'USDT';
/** Klines per request (the documented maximum). */
export const KLINES_PAGE_SIZE = 1_000;
/** Our share of Binance's 6,000 request weight per minute and IP: half, to leave room. */
const WEIGHT_PER_MINUTE = 3_000;
/** Binance counts weight, not requests; this only stops a runaway loop. */
const REQUESTS_PER_MINUTE = 1_200;
const KLINES_WEIGHT = 2;

/** Documented `GET /api/v3/ticker/24hr` fields we use (decimals are strings). */
const TICKER_FIELDS: Record<string, JsonType> = {
  symbol: 'string',
  lastPrice: 'string',
  priceChange: 'string',
  priceChangePercent: 'string',
  highPrice: 'string',
  lowPrice: 'string',
  quoteVolume: 'string',
  closeTime: 'number',
};

/** Weight of a 24 h ticker request for n symbols, as documented. */
function tickerWeight(symbols: number): number {
  if (symbols <= 20) return 2;
  return symbols <= 100 ? 40 : 80;
}

const DECIMAL_STRING = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

/** A decimal string (or number) to a finite number; null otherwise. */
export function decimal(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string' || !DECIMAL_STRING.test(value)) return null;
  return Number(value);
}

/**
 * A 1-minute kline as Binance reports it, checked. Prices and volumes stay the decimal
 * strings Binance sent: they are stored exactly as written, and a catch-up of millions of
 * rows does not parse and re-format every one of them.
 */
export interface Kline {
  openTime: number;
  closeTime: number;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
  quoteVolume: string;
  tradeCount: number;
}

/**
 * Binance counts request weight per minute and bans IPs that overdraw it (429, then 418).
 * Tracks the weight the server reports (`X-MBX-USED-WEIGHT-1M`, which also counts other
 * clients behind our IP) and waits for the next minute rather than exceed our share.
 */
export class RequestWeightBudget {
  private used = 0;
  private minute = 0;

  constructor(private readonly limit: number) {}

  async take(weight: number, signal: AbortSignal): Promise<void> {
    for (;;) {
      const now = Date.now();
      const minute = Math.floor(now / 60_000);
      if (minute !== this.minute) {
        this.minute = minute;
        this.used = 0;
      }
      if (this.used + weight <= this.limit) {
        this.used += weight;
        return;
      }
      await sleep((minute + 1) * 60_000 - now, signal);
    }
  }

  observe(headers: Headers): void {
    const reported = Number(headers.get('x-mbx-used-weight-1m'));
    if (Number.isFinite(reported) && Math.floor(Date.now() / 60_000) === this.minute) {
      this.used = Math.max(this.used, reported);
    }
  }
}

/**
 * Binance spot REST: the 24 h ticker of the tracked `<SYMBOL>USDT` pairs as a listing
 * source, and 1-minute klines for the catch-up and the stream's backfill. Every request is
 * weight-budgeted; no API key is needed for market data.
 */
@Injectable()
export class BinanceProvider extends HttpListingProvider {
  readonly name = 'binance' as const;
  private readonly weight = new RequestWeightBudget(WEIGHT_PER_MINUTE);

  constructor(config: AppConfig) {
    super(config, 'Binance', REQUESTS_PER_MINUTE);
  }

  /** Tracked base assets (BINANCE_SYMBOLS). */
  get symbols(): string[] {
    return this.config.ingestion.binance.symbols;
  }

  override async fetch(signal: AbortSignal, limit?: number): Promise<FetchedPayload> {
    const pairs = this.symbols.slice(0, limit).map((s) => `${s}${QUOTE}`);
    const url = this.url('/api/v3/ticker/24hr', { symbols: JSON.stringify(pairs) });
    const { body, text } = await this.http.getJsonText(
      url,
      {},
      signal,
      this.hooks(tickerWeight(pairs.length)),
    );
    if (!Array.isArray(body)) throw new Error('Binance GET /api/v3/ticker/24hr: expected an array');
    return { source: this.name, fetchedAt: new Date(), payload: body, text };
  }

  override normalise(fetched: FetchedPayload): NormalisedBatch {
    return normaliseListing(
      fetched.payload as unknown[],
      TICKER_FIELDS,
      fetched.fetchedAt,
      (ticker) => {
        const pair = String(ticker.symbol);
        if (!pair.endsWith(QUOTE)) return `${pair} is not a ${QUOTE} pair`;
        const symbol = pair.slice(0, -QUOTE.length);
        const price = decimal(ticker.lastPrice);
        if (price === null)
          return `${pair} lastPrice '${String(ticker.lastPrice)}' is not a number`;
        return {
          symbol,
          name: assetName(symbol),
          source: this.name,
          currentPrice: price,
          // Quote volume is in USDT: the 24 h volume in dollars, like the other sources.
          totalVolume: decimal(ticker.quoteVolume),
          high24h: decimal(ticker.highPrice),
          low24h: decimal(ticker.lowPrice),
          priceChange24h: decimal(ticker.priceChange),
          priceChangePercentage24h: decimal(ticker.priceChangePercent),
          lastUpdated: new Date(ticker.closeTime as number),
        };
      },
      (ticker) => String(ticker.symbol),
    );
  }

  /**
   * Up to KLINES_PAGE_SIZE klines of `<symbol>USDT` (1-minute unless `interval` says `1h` or
   * `1d`) opening at or after `startTime`, oldest first; the newest may still be open. Rows
   * that do not have the documented shape are returned as rejected (schema drift), never
   * guessed at.
   */
  async fetchKlines(
    symbol: string,
    startTime: number,
    signal: AbortSignal,
    interval: '1m' | '1h' | '1d' = '1m',
  ): Promise<{ payload: unknown[]; text: string; klines: Kline[]; rejected: RejectedRecord[] }> {
    const url = this.url('/api/v3/klines', {
      symbol: `${symbol}${QUOTE}`,
      interval,
      startTime: String(startTime),
      limit: String(KLINES_PAGE_SIZE),
    });
    const { body, text } = await this.http.getJsonText(url, {}, signal, this.hooks(KLINES_WEIGHT));
    if (!Array.isArray(body)) throw new Error('Binance GET /api/v3/klines: expected an array');
    const receivedAt = Date.now();
    const klines: Kline[] = [];
    const rejected: RejectedRecord[] = [];
    body.forEach((row: unknown, index) => {
      const kline = parseKline(row, receivedAt);
      if (typeof kline === 'string')
        rejected.push({ at: `${symbol} kline ${index}`, reason: kline });
      else klines.push(kline);
    });
    return { payload: body, text, klines, rejected };
  }

  private url(path: string, query: Record<string, string>): URL {
    const url = new URL(`${this.config.ingestion.binance.baseUrl.replace(/\/$/, '')}${path}`);
    url.search = new URLSearchParams(query).toString();
    return url;
  }

  /** Every request spends its documented weight and reads back what the server counted. */
  private hooks(weight: number): RequestHooks {
    return {
      beforeAttempt: (s) => this.weight.take(weight, s),
      onHeaders: (headers) => this.weight.observe(headers),
    };
  }
}

/** Index and JSON type of each documented kline column we read. */
const KLINE_COLUMNS: Record<string, JsonType> = {
  '0': 'number', // open time
  '1': 'string', // open
  '2': 'string', // high
  '3': 'string', // low
  '4': 'string', // close
  '5': 'string', // volume
  '6': 'number', // close time
  '7': 'string', // quote asset volume
  '8': 'number', // number of trades
};

/**
 * One row of `GET /api/v3/klines`: the kline, or why it cannot be used (schema drift, prices
 * that are not positive or do not bound each other, a time ahead of `receivedAt`).
 */
export function parseKline(row: unknown, receivedAt = Date.now()): Kline | string {
  if (!Array.isArray(row)) return 'schema drift: not an array';
  // Checked by index, without the generic shape walk, for the millions of rows of a catch-up;
  // the generic walk only runs to describe a row that is not as documented.
  const openTime: unknown = row[0];
  const closeTime: unknown = row[6];
  const tradeCount: unknown = row[8];
  const open: unknown = row[1];
  const high: unknown = row[2];
  const low: unknown = row[3];
  const close: unknown = row[4];
  const volume: unknown = row[5];
  const quoteVolume: unknown = row[7];
  if (
    typeof openTime !== 'number' ||
    typeof closeTime !== 'number' ||
    typeof tradeCount !== 'number' ||
    typeof open !== 'string' ||
    typeof high !== 'string' ||
    typeof low !== 'string' ||
    typeof close !== 'string' ||
    typeof volume !== 'string' ||
    typeof quoteVolume !== 'string'
  ) {
    const problems = shapeProblems(row, KLINE_COLUMNS);
    return problems.length > 0
      ? `schema drift: ${problems.join('; ')}`
      : 'a time, price or volume is missing (null)';
  }
  if (
    !DECIMAL_STRING.test(open) ||
    !DECIMAL_STRING.test(high) ||
    !DECIMAL_STRING.test(low) ||
    !DECIMAL_STRING.test(close) ||
    !DECIMAL_STRING.test(volume) ||
    !DECIMAL_STRING.test(quoteVolume)
  ) {
    return 'a price or volume is not a number';
  }
  const problem =
    candleProblem(Number(open), Number(high), Number(low), Number(close), Number(volume)) ??
    timeProblem('open time', openTime, receivedAt);
  if (problem) return problem;
  return { openTime, closeTime, open, high, low, close, volume, quoteVolume, tradeCount };
}
