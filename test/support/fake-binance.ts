// A local stand-in for Binance spot: REST `/api/v3/ticker/24hr` and `/api/v3/klines` (1m
// klines generated for any minute up to now, in the documented array format, paged by
// startTime and limit), and the combined market stream on a WebSocket server, which the test
// drives: push trades and klines, ping, drop connections.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

const MINUTE = 60_000;

/** A deterministic price for a symbol's minute, so runs can be compared. */
export const klinePrice = (symbol: string, openTime: number) =>
  100 + symbol.length + ((openTime / MINUTE) % 50);

/** Kline widths by interval, as Binance names them. */
export const KLINE_WIDTHS: Record<string, number> = {
  '1m': MINUTE,
  '1h': 60 * MINUTE,
  '1d': 1_440 * MINUTE,
};

/** One documented kline row: [openTime, open, high, low, close, volume, closeTime, quote volume, trades, taker base, taker quote, ignore]. */
export function klineRow(symbol: string, openTime: number, width = MINUTE): unknown[] {
  const price = klinePrice(symbol, openTime);
  return [
    openTime,
    price.toFixed(8),
    (price + 1).toFixed(8),
    (price - 1).toFixed(8),
    (price + 0.5).toFixed(8),
    '10.00000000',
    openTime + width - 1,
    (price * 10).toFixed(8),
    42,
    '5.00000000',
    (price * 5).toFixed(8),
    '0',
  ];
}

export class FakeBinance {
  readonly requests: { path: string; query: URLSearchParams }[] = [];
  readonly connections: WebSocket[] = [];
  readonly streamPaths: string[] = [];
  /** Pongs received from clients (they must answer pings). */
  pongs = 0;
  ticker: unknown[] = [];
  /** Kline requests answer this status while set (e.g. 500). */
  klinesFailure?: { status: number; afterRequests: number };
  /** A pair's first trading day: no kline opens before it (default 2017-08-17, BTCUSDT's). */
  listedAt: Record<string, number> = {};
  /** Open times whose kline row is served malformed (a price that is not a number). */
  readonly malformed = new Set<number>();
  private http?: Server;
  private wss?: WebSocketServer;

  async start(): Promise<{ baseUrl: string; wsUrl: string }> {
    this.http = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://x');
      this.requests.push({ path: url.pathname, query: url.searchParams });
      const json = (status: number, body: unknown) => {
        response.writeHead(status, {
          'content-type': 'application/json',
          'x-mbx-used-weight-1m': String(this.requests.length * 2),
        });
        response.end(JSON.stringify(body));
      };
      if (url.pathname === '/api/v3/ticker/24hr') return json(200, this.ticker);
      if (url.pathname === '/api/v3/klines') {
        const klineRequests = this.requests.filter((r) => r.path === '/api/v3/klines').length;
        if (this.klinesFailure && klineRequests > this.klinesFailure.afterRequests) {
          return json(this.klinesFailure.status, { code: -1000, msg: 'An unknown error occurred' });
        }
        return json(200, this.klines(url.searchParams));
      }
      json(404, { code: -1, msg: 'not found' });
    });
    this.wss = new WebSocketServer({ server: this.http });
    this.wss.on('connection', (socket, request) => {
      this.connections.push(socket);
      this.streamPaths.push(request.url ?? '');
      socket.on('pong', () => this.pongs++);
    });
    await new Promise<void>((resolve) => this.http!.listen(0, '127.0.0.1', resolve));
    const { port } = this.http.address() as AddressInfo;
    return { baseUrl: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}` };
  }

  klineRequests(symbol?: string) {
    return this.requests.filter(
      (r) => r.path === '/api/v3/klines' && (!symbol || r.query.get('symbol') === symbol),
    );
  }

  /** Open connections (the latest last). */
  get open(): WebSocket[] {
    return this.connections.filter((c) => c.readyState === c.OPEN);
  }

  send(message: unknown): void {
    for (const socket of this.open) socket.send(JSON.stringify(message));
  }

  trade(pair: string, price: number, quantity: number, time: number): void {
    this.send({
      stream: `${pair.toLowerCase()}@trade`,
      data: {
        e: 'trade',
        E: time,
        s: pair,
        t: Math.floor(Math.random() * 1e9),
        p: price.toFixed(8),
        q: quantity.toFixed(8),
        T: time,
        m: false,
        M: true,
      },
    });
  }

  closedKline(
    pair: string,
    openTime: number,
    values: { o: number; h: number; l: number; c: number; v: number },
  ): void {
    this.send({
      stream: `${pair.toLowerCase()}@kline_1m`,
      data: {
        e: 'kline',
        E: openTime + MINUTE,
        s: pair,
        k: {
          t: openTime,
          T: openTime + MINUTE - 1,
          s: pair,
          i: '1m',
          f: 100,
          L: 200,
          o: values.o.toFixed(8),
          c: values.c.toFixed(8),
          h: values.h.toFixed(8),
          l: values.l.toFixed(8),
          v: values.v.toFixed(8),
          n: 101,
          x: true,
          q: (values.v * values.c).toFixed(8),
          V: '1.00000000',
          Q: '1.00000000',
          B: '0',
        },
      },
    });
  }

  ping(): void {
    for (const socket of this.open) socket.ping();
  }

  dropAll(): void {
    for (const socket of this.open) socket.terminate();
  }

  async stop(): Promise<void> {
    for (const socket of this.connections) socket.terminate();
    await new Promise<void>((resolve) => this.wss?.close(() => resolve()) ?? resolve());
    this.http?.closeAllConnections();
    await new Promise<void>((resolve) => this.http?.close(() => resolve()) ?? resolve());
  }

  private klines(query: URLSearchParams): unknown[] {
    const pair = query.get('symbol') ?? '';
    const width = KLINE_WIDTHS[query.get('interval') ?? '1m'] ?? MINUTE;
    const limit = Math.min(Number(query.get('limit') ?? 500), 1_000);
    const now = Date.now();
    const rows: unknown[] = [];
    const listed = this.listedAt[pair] ?? Date.UTC(2017, 7, 17);
    let openTime =
      Math.ceil(Math.max(Number(query.get('startTime') ?? now), listed) / width) * width;
    while (rows.length < limit && openTime <= now) {
      const row = klineRow(pair, openTime, width);
      if (this.malformed.has(openTime)) row[2] = 'oops';
      rows.push(row);
      openTime += width;
    }
    return rows;
  }
}
