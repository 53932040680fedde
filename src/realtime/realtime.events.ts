// The real-time protocol (docs/architecture.md, "Real-time surface"): every message the server
// sends and every message a client may send, typed once for the Socket.IO gateway and the
// plain-WebSocket bridge, which speak the same payloads.
import type { ErrorCode } from '../common/errors/error-code';
import { TIMEFRAMES, type Timeframe } from '../price-history/timeframe';

export interface ConnectedPayload {
  client_id: string;
  message: string;
  /** ISO 8601. */
  timestamp: string;
  /** Epoch ms, for clients that estimate their clock offset. */
  server_time: number;
}

export interface PriceUpdatePayload {
  symbol: string;
  /** Null only in a quote currency without a rate for the day. */
  price: number | null;
  change_24h: number | null;
  volume_24h: number | null;
  /** When the price was observed (ISO 8601). */
  timestamp: string;
  source: string;
  /** Increases by one per price update of this symbol; a jump means updates were skipped. */
  seq: number;
  /** The quote currency of the amounts, when the subscription named one other than usd. */
  vs_currency?: string;
}

export interface CandleUpdatePayload {
  symbol: string;
  /** The timeframes a subscribe named (default 1m); longer ones are rolled up from the minutes. */
  timeframe: Timeframe;
  /** ISO 8601. */
  open_time: string;
  /** Prices are null only in a quote currency without a rate for the day. */
  open: number | null;
  high: number | null;
  low: number | null;
  close: number | null;
  /** In units of the asset, whatever the quote currency. */
  volume: number;
  is_closed: boolean;
  /** Per symbol, counted apart from price updates. */
  seq: number;
  /** The quote currency of the prices, when the subscription named one other than usd. */
  vs_currency?: string;
}

export interface SubscriptionChangePayload {
  /** The symbols this request added (or removed). */
  symbols: string[];
  /** Everything the client is subscribed to afterwards. */
  subscriptions: string[];
  /** The quote currency of those symbols, when the subscribe named one other than usd. */
  vs_currency?: string;
}

export interface SubscriptionsPayload {
  subscriptions: string[];
}

export interface PongPayload {
  timestamp: string;
}

export interface ErrorPayload {
  error: string;
  code: ErrorCode;
}

/** The acknowledgement of `subscribe` / `unsubscribe`. */
export type SubscriptionAck =
  ({ success: true } & SubscriptionChangePayload) | ({ success: false } & ErrorPayload);

/** Server → client (Socket.IO event names; the bridge's `type` values). */
export interface ServerToClientEvents {
  connected: (payload: ConnectedPayload) => void;
  subscribed: (payload: SubscriptionChangePayload) => void;
  unsubscribed: (payload: SubscriptionChangePayload) => void;
  price_update: (payload: PriceUpdatePayload) => void;
  candle_update: (payload: CandleUpdatePayload) => void;
  pong: (payload: PongPayload) => void;
  subscriptions: (payload: SubscriptionsPayload) => void;
  error: (payload: ErrorPayload) => void;
}

export type ServerEvent = keyof ServerToClientEvents;
export type ServerPayload<E extends ServerEvent> = Parameters<ServerToClientEvents[E]>[0];

/** Client → server. */
export const ClientEvent = {
  Subscribe: 'subscribe',
  Unsubscribe: 'unsubscribe',
  Ping: 'ping',
  GetSubscriptions: 'get_subscriptions',
} as const;

/** An update ready to fan out: one per symbol per interval, already sequenced. */
export type MarketUpdate =
  | { event: 'price_update'; payload: PriceUpdatePayload }
  | { event: 'candle_update'; payload: CandleUpdatePayload };

export const USD_CODE = 'usd';

/**
 * The Socket.IO room of a symbol's prices: `symbol:BTC` in USD (the stream as it is), and
 * `prices:BTC:eur` per other quote currency, so an update is converted once per currency.
 */
export const symbolRoom = (symbol: string, currency: string = USD_CODE): string =>
  currency === USD_CODE ? `symbol:${symbol}` : `prices:${symbol}:${currency}`;

/** The Socket.IO room of a symbol's candles of one timeframe (and quote currency). */
export const candleRoom = (
  symbol: string,
  timeframe: Timeframe,
  currency: string = USD_CODE,
): string =>
  currency === USD_CODE
    ? `candles:${symbol}:${timeframe}`
    : `candles:${symbol}:${timeframe}:${currency}`;

const SYMBOL_ROOM = /^(?:symbol:([A-Z0-9]+)|prices:([A-Z0-9]+):([a-z]+))$/;
const CANDLE_ROOM = /^candles:([A-Z0-9]+):(\w+?)(?::([a-z]+))?$/;

/** The symbol and quote currency of a price room, or null for any other room. */
export function parseSymbolRoom(room: string): { symbol: string; currency: string } | null {
  const match = SYMBOL_ROOM.exec(room);
  if (!match) return null;
  return match[1]
    ? { symbol: match[1], currency: USD_CODE }
    : { symbol: match[2], currency: match[3] };
}

/** The symbol, timeframe and quote currency of a candle room, or null for any other room. */
export function parseCandleRoom(
  room: string,
): { symbol: string; timeframe: Timeframe; currency: string } | null {
  const match = CANDLE_ROOM.exec(room);
  const timeframe = TIMEFRAMES.find((t) => t === match?.[2]);
  return match && timeframe
    ? { symbol: match[1], timeframe, currency: match[3] ?? USD_CODE }
    : null;
}
