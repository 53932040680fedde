import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import type { Server } from 'socket.io';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { PriceStreamService } from './price-stream.service';
import { RealtimeQuotesService } from './realtime-quotes.service';
import {
  candleRoom,
  symbolRoom,
  type MarketUpdate,
  type ServerToClientEvents,
} from './realtime.events';
import { closeNow, unsentBytes, type EngineConnection } from './slow-consumers';
import { SubscriptionsService } from './subscriptions.service';
import { WsBridgeService } from './ws-bridge.service';

/** Instance-to-instance event carrying updates to the other instances' /ws clients. */
const BRIDGE_RELAY = 'realtime:bridge';
/** What the USD-only path hands the bridge: no conversion, nothing allocated. */
const NO_CONVERSIONS: ReadonlyMap<string, MarketUpdate> = new Map();
/** How often Socket.IO connections are checked for unsent bytes past the bound. */
const SWEEP_MS = 500;

interface InterServerEvents {
  [BRIDGE_RELAY]: (update: MarketUpdate) => void;
}

export type RealtimeServer = Server<Record<string, never>, ServerToClientEvents, InterServerEvents>;

/**
 * The one fan-out path: each coalesced update goes to its symbol's room through the
 * Socket.IO adapter (in memory, or Redis streams: every instance's subscribers, and
 * connection-state recovery), and to the /ws bridge here and, relayed, on the other
 * instances. A socket whose unsent bytes pass WS_MAX_BUFFERED_BYTES (a client that stopped
 * reading) is closed (slow-consumers.ts).
 */
@Injectable()
export class RealtimeFanoutService implements OnModuleDestroy {
  private server?: RealtimeServer;
  private subscription?: Subscription;
  private sweeper?: NodeJS.Timeout;
  private readonly logger = new Logger(RealtimeFanoutService.name);
  private readonly relay: boolean;
  private readonly maxBufferedBytes: number;

  constructor(
    config: AppConfig,
    private readonly stream: PriceStreamService,
    private readonly bridge: WsBridgeService,
    private readonly metrics: MetricsService,
    private readonly subscriptions: SubscriptionsService,
    private readonly quotes: RealtimeQuotesService,
  ) {
    this.relay = config.redis.url !== undefined;
    this.maxBufferedBytes = config.realtime.maxBufferedBytes;
  }

  attach(server: RealtimeServer): void {
    this.server = server;
    this.subscription = this.stream.updates$.subscribe((update) => this.publish(update));
    if (this.relay) server.on(BRIDGE_RELAY, (update) => this.deliverHere(update));
    this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweeper.unref();
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
    clearInterval(this.sweeper);
  }

  private publish(update: MarketUpdate): void {
    const server = this.server;
    if (!server) return;
    switch (update.event) {
      case 'price_update':
        server.to(symbolRoom(update.payload.symbol)).emit('price_update', update.payload);
        break;
      case 'candle_update':
        server
          .to(candleRoom(update.payload.symbol, update.payload.timeframe))
          .emit('candle_update', update.payload);
        break;
    }
    if (this.relay) server.serverSideEmit(BRIDGE_RELAY, update);
    this.deliverHere(update);
  }

  /**
   * What each instance does with every update, its own and the relayed ones: converted once
   * per quote currency its own clients read the symbol in, to those currencies' rooms on
   * this instance only (each instance converts for its clients), and to the /ws bridge.
   * A symbol nobody here reads in another currency costs one lookup.
   */
  private deliverHere(update: MarketUpdate): void {
    const server = this.server;
    const currencies = this.subscriptions.wantedCurrencies(update.payload.symbol);
    if (currencies.length === 0) {
      this.bridge.deliver(update, NO_CONVERSIONS);
      return;
    }
    const converted = new Map<string, MarketUpdate>();
    for (const currency of currencies) {
      const quoted = this.quotes.convert(update, currency);
      if (!quoted) continue;
      converted.set(currency, quoted);
      switch (quoted.event) {
        case 'price_update':
          server?.local
            .to(symbolRoom(quoted.payload.symbol, currency))
            .emit('price_update', quoted.payload);
          break;
        case 'candle_update':
          server?.local
            .to(candleRoom(quoted.payload.symbol, quoted.payload.timeframe, currency))
            .emit('candle_update', quoted.payload);
          break;
      }
    }
    this.bridge.deliver(update, converted);
  }

  private sweep(): void {
    for (const socket of this.server?.of('/').sockets.values() ?? []) {
      const conn = socket.conn as unknown as EngineConnection;
      const bytes = unsentBytes(conn);
      if (bytes <= this.maxBufferedBytes) continue;
      this.logger.warn(
        `closed Socket.IO client ${socket.id}: ${bytes} bytes unsent (bound ${this.maxBufferedBytes})`,
      );
      this.metrics.countSlowConsumerClosed('socket.io');
      closeNow(conn);
    }
  }
}
