// Real clients of the real-time surface for e2e tests: socket.io-client and ws, with
// everything they receive recorded, and waits that fail with a clear message.
import type { INestApplication } from '@nestjs/common';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { LiveFeedFactory } from '../../src/ingestion/live/live-feed';
import { waitFor } from './wait-for';

export interface Received {
  event: string;
  data: Record<string, unknown>;
}

/** What both kinds of client offer: everything received, and waits on it. */
interface Recording {
  received: Received[];
  /** Resolves with the first message named `event` (after index `from`) matching `where`. */
  next(
    event: string,
    where?: (data: Record<string, unknown>) => boolean,
    from?: number,
  ): Promise<Record<string, unknown>>;
  of(event: string): Record<string, unknown>[];
  close(): void;
}

export interface RecordingSocket extends Recording {
  socket: Socket;
  emitWithAck(event: string, payload?: unknown): Promise<Record<string, unknown>>;
}

function recorder(received: Received[]): Pick<Recording, 'next' | 'of'> {
  return {
    next: (
      event: string,
      where: (data: Record<string, unknown>) => boolean = () => true,
      from = 0,
    ) =>
      waitFor(
        () => received.slice(from).find((r) => r.event === event && where(r.data))?.data,
        `a "${event}" message`,
      ),
    of: (event: string) => received.filter((r) => r.event === event).map((r) => r.data),
  };
}

/** A connected Socket.IO client (websocket transport) recording every event. */
export async function connectSocket(
  baseUrl: string,
  options: { auth?: Record<string, string>; reconnection?: boolean } = {},
): Promise<RecordingSocket> {
  const received: Received[] = [];
  const socket = io(baseUrl, {
    transports: ['websocket'],
    forceNew: true,
    reconnectionDelay: 100,
    reconnectionDelayMax: 200,
    reconnection: options.reconnection ?? true,
    auth: options.auth,
  });
  socket.onAny((event: string, data: Record<string, unknown>) => received.push({ event, data }));
  // Only the first connection's outcome: a failed reconnection attempt later must not close
  // the socket (the client keeps retrying).
  await new Promise<void>((resolve, reject) => {
    const connected = () => {
      socket.off('connect_error', failed);
      resolve();
    };
    const failed = (error: Error) => {
      socket.off('connect', connected);
      socket.close();
      reject(error);
    };
    socket.once('connect', connected);
    socket.once('connect_error', failed);
  });
  return {
    socket,
    received,
    ...recorder(received),
    emitWithAck: (event, payload) =>
      socket.timeout(10_000).emitWithAck(event, payload) as Promise<Record<string, unknown>>,
    close: () => socket.close(),
  };
}

export interface RecordingWebSocket extends Recording {
  ws: WebSocket;
  send(message: unknown): void;
}

/** A plain WebSocket client recording every JSON message (`event` is its `type`). */
export async function connectWebSocket(
  url: string,
  headers: Record<string, string> = {},
): Promise<RecordingWebSocket> {
  const received: Received[] = [];
  const ws = new WebSocket(url, { headers });
  ws.on('message', (raw: Buffer) => {
    const data = JSON.parse(raw.toString()) as Record<string, unknown>;
    received.push({ event: String(data.type), data });
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    ws,
    received,
    ...recorder(received),
    send: (message) => ws.send(typeof message === 'string' ? message : JSON.stringify(message)),
    close: () => ws.close(),
  };
}

/**
 * Ingests trades through the live ingestion path (candles committed, latest price written,
 * price bus): what the Binance stream and the simulator do.
 */
export async function ingestTrades(
  app: INestApplication,
  trades: { symbol: string; price: number }[],
): Promise<void> {
  const feed = app.get(LiveFeedFactory).create('test');
  for (const { symbol, price } of trades) {
    feed.addTrade({ symbol, price, quantity: 1, time: Date.now() });
  }
  await feed.flush();
}
