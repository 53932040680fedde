import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { InjectThrottlerStorage, type ThrottlerStorage } from '@nestjs/throttler';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { AppException } from '../common/errors/app.exception';
import { ErrorCode } from '../common/errors/error-code';
import { SYMBOL_PATTERN } from '../common/pipes/parse-symbol.pipe';
import { createValidationPipe } from '../common/pipes/validation.pipe';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { SubscriptionRequestDto, requestedSymbols } from './dto/subscription-request.dto';
import { PriceStreamService } from './price-stream.service';
import { RealtimeAuthService } from './realtime-auth.service';
import { RealtimeQuotesService } from './realtime-quotes.service';
import {
  USD_CODE,
  type CandleUpdatePayload,
  type ConnectedPayload,
  type MarketUpdate,
  type PriceUpdatePayload,
  type ServerEvent,
  type ServerPayload,
} from './realtime.events';
import { SubscriptionsService } from './subscriptions.service';
import { toErrorPayload } from './ws-errors';
import { wsMessage, wsSubscriptionChange, wsUpdateText } from './ws-messages';
import { WS_THROTTLER, messageRateError } from './ws-throttler.guard';

export const WS_PATH = '/ws';
const STREAM_PATH = /^\/ws\/prices\/([^/]+)\/?$/;
const ALL = 'ALL';
const MAX_MESSAGE_BYTES = 16 * 1024;
const CLOSE_GRACE_MS = 1_000;

type Route =
  { kind: 'protocol' } | { kind: 'stream'; symbol: string; vsCurrency: string | undefined };

interface BridgeClient {
  id: string;
  ws: WebSocket;
  alive: boolean;
  /** `/ws/prices/ALL`: every price update. */
  all: boolean;
  /** `/ws` clients also get candles; `/ws/prices/…` only prices. */
  candles: boolean;
}

const textOf = (data: RawData): string =>
  (Array.isArray(data)
    ? Buffer.concat(data)
    : data instanceof ArrayBuffer
      ? Buffer.from(data)
      : data
  ).toString('utf8');

function routeOf(url: string | undefined): Route | null {
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

/**
 * The plain-WebSocket bridge, for clients without Socket.IO: `/ws` speaks the gateway's
 * protocol as JSON messages with a `type`, `/ws/prices/{symbol|ALL}` streams prices with
 * no client message. Both share the subscription registry and the coalesced price stream
 * with the gateway. It answers only upgrades of its own paths; Socket.IO handles its own.
 */
@Injectable()
export class WsBridgeService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WsBridgeService.name);
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  private readonly clients = new Map<string, BridgeClient>();
  private readonly bySymbol = new Map<string, Set<BridgeClient>>();
  /** The pipe the gateway's messages (and HTTP bodies) go through. */
  private readonly validation = createValidationPipe();
  private heartbeat?: NodeJS.Timeout;
  private httpServer?: HttpServer;

  constructor(
    private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
    private readonly subscriptions: SubscriptionsService,
    private readonly stream: PriceStreamService,
    private readonly auth: RealtimeAuthService,
    @InjectThrottlerStorage() private readonly throttler: ThrottlerStorage,
    private readonly metrics: MetricsService,
    private readonly quotes: RealtimeQuotesService,
  ) {}

  onApplicationBootstrap(): void {
    // An application context (a CLI, a benchmark) has no HTTP server to bridge.
    const httpAdapter = this.adapterHost.httpAdapter as typeof this.adapterHost.httpAdapter | null;
    if (!httpAdapter) return;
    this.httpServer = httpAdapter.getHttpServer() as HttpServer;
    this.httpServer.on('upgrade', this.onUpgrade);
    this.heartbeat = setInterval(() => this.beat(), this.config.realtime.heartbeatMs);
    this.heartbeat.unref();
  }

  /**
   * Before the HTTP server closes: it waits for every connection, upgraded ones included.
   * Peers get a 1001 close; those that do not complete the handshake are cut.
   */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.heartbeat);
    this.httpServer?.off('upgrade', this.onUpgrade);
    const closed = [...this.clients.values()].map(
      ({ ws }) =>
        new Promise<void>((resolve) => {
          ws.once('close', () => resolve());
          ws.close(1001, 'server shutting down');
          setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref();
        }),
    );
    await Promise.all(closed);
    this.wss.close();
  }

  /**
   * Local delivery of an update (the fan-out calls this for every instance's updates), with
   * its conversions into the quote currencies clients here read the symbol in: each
   * version is serialised once, whatever the number of recipients.
   */
  deliver(update: MarketUpdate, converted: ReadonlyMap<string, MarketUpdate> = new Map()): void {
    const symbol = update.payload.symbol;
    const recipients = new Set(this.bySymbol.get(symbol));
    if (update.event === 'price_update') {
      for (const client of this.clients.values()) if (client.all) recipients.add(client);
    }
    if (recipients.size === 0) return;
    const texts = new Map<string, string | null>();
    const textIn = (currency: string): string | null => {
      let text = texts.get(currency);
      if (text === undefined) {
        const version = currency === USD_CODE ? update : converted.get(currency);
        text = version ? wsUpdateText(version) : null;
        texts.set(currency, text);
      }
      return text;
    };
    for (const client of recipients) {
      if (update.event === 'candle_update' && !this.streamsCandles(client, update.payload))
        continue;
      if (client.ws.readyState !== WebSocket.OPEN) continue;
      // A client that stopped reading is closed rather than growing this process's memory.
      if (client.ws.bufferedAmount > this.config.realtime.maxBufferedBytes) {
        this.closeSlowConsumer(client);
        continue;
      }
      const message = textIn(
        client.all ? USD_CODE : this.subscriptions.currencyOf(client.id, symbol),
      );
      if (message !== null) client.ws.send(message);
    }
  }

  private streamsCandles(client: BridgeClient, candle: CandleUpdatePayload): boolean {
    return (
      client.candles &&
      this.subscriptions.timeframesOf(client.id, candle.symbol).has(candle.timeframe)
    );
  }

  private closeSlowConsumer(client: BridgeClient): void {
    this.logger.warn(
      `closed /ws client ${client.id}: ${client.ws.bufferedAmount} bytes unsent (bound ${this.config.realtime.maxBufferedBytes})`,
    );
    this.metrics.countSlowConsumerClosed('ws');
    // terminate(), not close(): a closing handshake would wait behind the unsent bytes.
    client.ws.terminate();
  }

  private readonly onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const route = routeOf(request.url);
    if (!route) return;
    const headerKey = request.headers['x-api-key'];
    const queryKey = new URL(request.url ?? '/', 'http://localhost').searchParams.get('api_key');
    this.auth
      .refusal(typeof headerKey === 'string' ? headerKey : queryKey)
      .then((refusal) => {
        if (refusal) {
          const body = JSON.stringify(refusal);
          socket.end(
            `HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n` +
              `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
          );
          return;
        }
        this.wss.handleUpgrade(request, socket, head, (ws) => this.accept(ws, route));
      })
      .catch((error: unknown) => {
        this.logger.error({ err: error }, 'WebSocket upgrade failed');
        socket.destroy();
      });
  };

  private accept(ws: WebSocket, route: Route): void {
    const client: BridgeClient = {
      id: `ws-${randomUUID()}`,
      ws,
      alive: true,
      all: false,
      candles: route.kind === 'protocol',
    };
    this.clients.set(client.id, client);
    ws.on('pong', () => (client.alive = true));
    ws.on('close', () => this.forget(client));
    ws.on('error', () => ws.terminate());
    if (route.kind === 'protocol') {
      this.send(client, 'connected', this.greeting(client.id, 'Connected to the price stream'));
      ws.on('message', (data, isBinary) => void this.onMessage(client, data, isBinary));
    } else {
      void this.startStream(client, route.symbol, route.vsCurrency);
    }
  }

  private greeting(clientId: string, message: string): ConnectedPayload {
    const now = new Date();
    return {
      client_id: clientId,
      message,
      timestamp: now.toISOString(),
      server_time: now.getTime(),
    };
  }

  private async startStream(
    client: BridgeClient,
    requested: string,
    vsCurrency: string | undefined,
  ): Promise<void> {
    const symbol = requested.toUpperCase();
    try {
      let currency = USD_CODE;
      if (symbol === ALL) {
        if (vsCurrency !== undefined && vsCurrency.toLowerCase() !== USD_CODE) {
          throw new AppException(
            ErrorCode.ValidationFailed,
            'vs_currency is not offered on /ws/prices/ALL: stream symbols one by one',
          );
        }
        client.all = true;
      } else {
        if (!SYMBOL_PATTERN.test(symbol)) {
          throw new AppException(ErrorCode.ValidationFailed, `Invalid symbol: ${requested}`);
        }
        currency = await this.quotes.prepare(vsCurrency);
        await this.subscriptions.subscribe(client.id, { symbol });
        this.subscriptions.setCurrency(client.id, [symbol], currency);
        this.index(client, [symbol]);
      }
      this.sendRaw(client, {
        type: 'connection',
        ...this.greeting(client.id, `Streaming ${symbol === ALL ? 'all prices' : symbol}`),
        symbol,
        ...(currency === USD_CODE ? {} : { vs_currency: currency }),
      });
      if (!client.all) await this.sendSnapshots(client, [symbol], currency);
    } catch (error) {
      this.send(client, 'error', toErrorPayload(error));
      client.ws.close(1008, 'subscription refused');
    }
  }

  private async onMessage(client: BridgeClient, data: RawData, isBinary: boolean): Promise<void> {
    try {
      const { isBlocked } = await this.throttler.increment(
        `${WS_THROTTLER}:${client.id}`,
        1_000,
        this.config.realtime.messagesPerSecond,
        1_000,
        WS_THROTTLER,
      );
      if (isBlocked) throw messageRateError(this.config.realtime.messagesPerSecond);
      if (isBinary) throw new AppException(ErrorCode.BadRequest, 'Messages must be JSON text');
      let message: unknown;
      try {
        message = JSON.parse(textOf(data));
      } catch {
        throw new AppException(ErrorCode.BadRequest, 'Invalid JSON');
      }
      if (typeof message !== 'object' || message === null || Array.isArray(message)) {
        throw new AppException(ErrorCode.BadRequest, 'A message must be a JSON object');
      }
      const { type, ...body } = message as Record<string, unknown>;
      await this.handle(client, type, body);
    } catch (error) {
      this.send(client, 'error', toErrorPayload(error));
    }
  }

  private async handle(client: BridgeClient, type: unknown, body: object): Promise<void> {
    switch (type) {
      case 'subscribe': {
        const request = await this.parse(body);
        const currency = await this.quotes.prepare(request.vs_currency);
        const { candles: _, ...subscribed } = await this.subscriptions.subscribe(
          client.id,
          request,
        );
        const change =
          currency === USD_CODE ? subscribed : { ...subscribed, vs_currency: currency };
        this.index(client, change.symbols);
        const requested = requestedSymbols(request);
        const switched = this.subscriptions
          .setCurrency(client.id, requested, currency)
          .filter(({ before }) => before !== currency)
          .map(({ symbol }) => symbol);
        this.sendRaw(client, wsSubscriptionChange('subscribed', change, requested));
        await this.sendSnapshots(client, [...new Set([...change.symbols, ...switched])], currency);
        return;
      }
      case 'unsubscribe': {
        const request = await this.parse(body);
        const change = this.subscriptions.unsubscribe(client.id, request);
        for (const symbol of change.symbols) this.unindex(client, symbol);
        this.sendRaw(
          client,
          wsSubscriptionChange('unsubscribed', change, requestedSymbols(request)),
        );
        return;
      }
      case 'ping':
        this.send(client, 'pong', { timestamp: new Date().toISOString() });
        return;
      case 'get_subscriptions':
        this.send(client, 'subscriptions', {
          subscriptions: this.subscriptions.subscriptionsOf(client.id),
        });
        return;
      default:
        throw new AppException(
          ErrorCode.BadRequest,
          typeof type === 'string'
            ? `Unknown message type: ${type}`
            : 'A message needs a "type" (subscribe, unsubscribe, ping, get_subscriptions)',
        );
    }
  }

  private async parse(body: object): Promise<SubscriptionRequestDto> {
    return (await this.validation.transform(body, {
      type: 'body',
      metatype: SubscriptionRequestDto,
    })) as SubscriptionRequestDto;
  }

  private async sendSnapshots(
    client: BridgeClient,
    symbols: readonly string[],
    currency: string = USD_CODE,
  ): Promise<void> {
    const snapshots = await Promise.all(symbols.map((symbol) => this.stream.snapshot(symbol)));
    for (const snapshot of snapshots.filter((s): s is PriceUpdatePayload => s !== null)) {
      const converted =
        currency === USD_CODE
          ? null
          : this.quotes.convert({ event: 'price_update', payload: snapshot }, currency);
      if (converted?.event === 'price_update') this.send(client, 'price_update', converted.payload);
      else if (currency === USD_CODE) this.send(client, 'price_update', snapshot);
    }
  }

  private index(client: BridgeClient, symbols: readonly string[]): void {
    if (!this.clients.has(client.id)) {
      // Closed while its subscription was being checked.
      this.subscriptions.forget(client.id);
      return;
    }
    for (const symbol of symbols) {
      const set = this.bySymbol.get(symbol) ?? new Set<BridgeClient>();
      set.add(client);
      this.bySymbol.set(symbol, set);
    }
  }

  private unindex(client: BridgeClient, symbol: string): void {
    const set = this.bySymbol.get(symbol);
    set?.delete(client);
    if (set?.size === 0) this.bySymbol.delete(symbol);
  }

  private forget(client: BridgeClient): void {
    this.clients.delete(client.id);
    for (const symbol of this.subscriptions.subscriptionsOf(client.id))
      this.unindex(client, symbol);
    this.subscriptions.forget(client.id);
  }

  /** Dead peers (no pong since the last beat) are closed; the others are pinged. */
  private beat(): void {
    for (const client of this.clients.values()) {
      if (!client.alive) {
        client.ws.terminate();
        continue;
      }
      client.alive = false;
      client.ws.ping();
    }
  }

  private send<E extends ServerEvent>(
    client: BridgeClient,
    type: E,
    payload: ServerPayload<E>,
  ): void {
    this.sendRaw(client, wsMessage(type, payload));
  }

  private sendRaw(client: BridgeClient, message: object): void {
    if (client.ws.readyState === WebSocket.OPEN) client.ws.send(JSON.stringify(message));
  }
}
