import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import type { Server } from 'socket.io';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { PriceStreamService } from './price-stream.service';
import {
  candleRoom,
  symbolRoom,
  type MarketUpdate,
  type ServerToClientEvents,
} from './realtime.events';
import { closeNow, unsentBytes, type EngineConnection } from './slow-consumers';
import { WsBridgeService } from './ws-bridge.service';

/** Instance-to-instance event carrying updates to the other instances' /ws clients. */
const BRIDGE_RELAY = 'realtime:bridge';
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
  ) {
    this.relay = config.redis.url !== undefined;
    this.maxBufferedBytes = config.realtime.maxBufferedBytes;
  }

  attach(server: RealtimeServer): void {
    this.server = server;
    this.subscription = this.stream.updates$.subscribe((update) => this.publish(update));
    if (this.relay) server.on(BRIDGE_RELAY, (update) => this.bridge.deliver(update));
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
    this.bridge.deliver(update);
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
