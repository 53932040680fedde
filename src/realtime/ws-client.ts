import type { IncomingMessage } from 'node:http';
import { WebSocket, type RawData } from 'ws';
import type { ServerEvent, ServerPayload } from './realtime.events';
import { wsMessage } from './ws-messages';

export const WS_PATH = '/ws';
const STREAM_PATH = /^\/ws\/prices\/([^/]+)\/?$/;
/** `/ws/prices/ALL`: every symbol's prices. */
export const ALL_SYMBOLS = 'ALL';

/** What an upgrade asks for: the `/ws` protocol, or one `/ws/prices/{symbol|ALL}` stream. */
export type WsRoute =
  { kind: 'protocol' } | { kind: 'stream'; symbol: string; vsCurrency: string | undefined };

/** One plain-WebSocket connection. */
export interface WsClient {
  id: string;
  ws: WebSocket;
  /** Answered the last heartbeat ping. */
  alive: boolean;
  /** `/ws/prices/ALL`: every price update. */
  all: boolean;
  /** `/ws` clients also get candles; `/ws/prices/…` only prices. */
  candles: boolean;
}

/** The route of an upgrade request's URL, or null when it is not one of the bridge's paths. */
export function wsRouteOf(url: IncomingMessage['url']): WsRoute | null {
  const parsed = new URL(url ?? '/', 'http://localhost');
  const path = parsed.pathname;
  if (path === WS_PATH || path === `${WS_PATH}/`) return { kind: 'protocol' };
  const stream = STREAM_PATH.exec(path);
  return stream
    ? {
        kind: 'stream',
        symbol: decodeURIComponent(stream[1]),
        vsCurrency: parsed.searchParams.get('vs_currency') ?? undefined,
      }
    : null;
}

/** A received frame as text, whatever buffers `ws` handed it over in. */
export const textOf = (data: RawData): string =>
  (Array.isArray(data)
    ? Buffer.concat(data)
    : data instanceof ArrayBuffer
      ? Buffer.from(data)
      : data
  ).toString('utf8');

/** Sends a JSON message to a client whose connection is open (dropped otherwise). */
export function sendJson(client: WsClient, message: object): void {
  if (client.ws.readyState === WebSocket.OPEN) client.ws.send(JSON.stringify(message));
}

/** Sends a server event as a `/ws` message (`{"type": event, ...payload}`). */
export function sendEvent<E extends ServerEvent>(
  client: WsClient,
  type: E,
  payload: ServerPayload<E>,
): void {
  sendJson(client, wsMessage(type, payload));
}
