import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { RealtimeAuthService } from './realtime-auth.service';
import { USD_CODE, type CandleUpdatePayload, type MarketUpdate } from './realtime.events';
import { SubscriptionsService } from './subscriptions.service';
import { sendEvent, wsRouteOf, type WsClient, type WsRoute } from './ws-client';
import { WsClientRegistry } from './ws-client-registry';
import { wsUpdateText } from './ws-messages';
import { WsProtocolService } from './ws-protocol.service';

const MAX_MESSAGE_BYTES = 16 * 1024;
const CLOSE_GRACE_MS = 1_000;

/**
 * The plain-WebSocket bridge, for clients without Socket.IO: `/ws` speaks the gateway's
 * protocol as JSON messages with a `type`, `/ws/prices/{symbol|ALL}` streams prices with
 * no client message. Both share the subscription registry and the coalesced price stream
 * with the gateway. It answers only upgrades of its own paths; Socket.IO handles its own.
 * Here: upgrades (with the API-key check), heartbeats, shutdown and delivery of updates;
 * the message protocol is ws-protocol.service.ts, the connections ws-client-registry.ts.
 */
@Injectable()
export class WsBridgeService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WsBridgeService.name);
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  private heartbeat?: NodeJS.Timeout;
  private httpServer?: HttpServer;

  constructor(
    private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
    private readonly subscriptions: SubscriptionsService,
    private readonly registry: WsClientRegistry,
    private readonly protocol: WsProtocolService,
    private readonly auth: RealtimeAuthService,
    private readonly metrics: MetricsService,
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
    const closed = [...this.registry.all()].map(
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
    const recipients = this.registry.recipientsOf(symbol, update.event);
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

  private streamsCandles(client: WsClient, candle: CandleUpdatePayload): boolean {
    return (
      client.candles &&
      this.subscriptions.timeframesOf(client.id, candle.symbol).has(candle.timeframe)
    );
  }

  private closeSlowConsumer(client: WsClient): void {
    this.logger.warn(
      `closed /ws client ${client.id}: ${client.ws.bufferedAmount} bytes unsent (bound ${this.config.realtime.maxBufferedBytes})`,
    );
    this.metrics.countSlowConsumerClosed('ws');
    // terminate(), not close(): a closing handshake would wait behind the unsent bytes.
    client.ws.terminate();
  }

  private readonly onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const route = wsRouteOf(request.url);
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

  private accept(ws: WebSocket, route: WsRoute): void {
    const client: WsClient = {
      id: `ws-${randomUUID()}`,
      ws,
      alive: true,
      all: false,
      candles: route.kind === 'protocol',
    };
    this.registry.add(client);
    ws.on('pong', () => (client.alive = true));
    ws.on('close', () => this.registry.forget(client));
    ws.on('error', () => ws.terminate());
    if (route.kind === 'protocol') {
      sendEvent(
        client,
        'connected',
        this.protocol.greeting(client.id, 'Connected to the price stream'),
      );
      ws.on('message', (data, isBinary) => void this.protocol.onMessage(client, data, isBinary));
    } else {
      void this.protocol.startStream(client, route.symbol, route.vsCurrency);
    }
  }

  /** Dead peers (no pong since the last beat) are closed; the others are pinged. */
  private beat(): void {
    for (const client of this.registry.all()) {
      if (!client.alive) {
        client.ws.terminate();
        continue;
      }
      client.alive = false;
      client.ws.ping();
    }
  }
}
