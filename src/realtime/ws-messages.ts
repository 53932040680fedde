// What the plain-WebSocket paths send. The payloads are the gateway's, plus the fields and types
// the replaced data server documented for its /ws clients (docs/real-time.md, "Clients of the
// replaced data server"): `subscribed {symbol, message}` and `price_update {symbol, price,
// timestamp, source}` with `timestamp` in epoch milliseconds. The ISO time moves to `as_of`.
import type {
  MarketUpdate,
  PriceUpdatePayload,
  ServerEvent,
  ServerPayload,
  SubscriptionChangePayload,
} from './realtime.events';

export type WsPriceUpdate = Omit<PriceUpdatePayload, 'timestamp'> & {
  type: 'price_update';
  /** Epoch ms, as the replaced data server sent it. */
  timestamp: number;
  /** The same instant as ISO 8601 (the gateway's `timestamp`). */
  as_of: string;
};

export type WsSubscriptionChange = SubscriptionChangePayload & {
  type: 'subscribed' | 'unsubscribed';
  /** The first symbol the request named. */
  symbol: string;
  message: string;
};

export function wsPriceUpdate(payload: PriceUpdatePayload): WsPriceUpdate {
  return {
    type: 'price_update',
    ...payload,
    timestamp: Date.parse(payload.timestamp),
    as_of: payload.timestamp,
  };
}

export function wsSubscriptionChange(
  type: 'subscribed' | 'unsubscribed',
  change: SubscriptionChangePayload,
  requested: readonly string[],
): WsSubscriptionChange {
  const named = requested.join(', ');
  return {
    type,
    ...change,
    symbol: requested[0] ?? '',
    message:
      type === 'subscribed' ? `Subscribed to ${named} updates` : `Unsubscribed from ${named}`,
  };
}

/** Any server message in the bridge's framing: the payload with its `type`. */
export function wsMessage<E extends ServerEvent>(type: E, payload: ServerPayload<E>): object {
  return type === 'price_update'
    ? wsPriceUpdate(payload as PriceUpdatePayload)
    : { type, ...payload };
}

/** The framed text of a fanned-out update, serialised once for every recipient. */
export function wsUpdateText(update: MarketUpdate): string {
  return JSON.stringify(wsMessage(update.event, update.payload));
}
