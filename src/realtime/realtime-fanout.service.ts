import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import type { Server, Socket } from 'socket.io';
import { AppConfig } from '../config/app-config';
import { PriceStreamService } from './price-stream.service';
import { symbolRoom, type MarketUpdate, type ServerToClientEvents } from './realtime.events';
import { WsBridgeService } from './ws-bridge.service';

/** Instance-to-instance event carrying updates to the other instances' /ws clients. */
const BRIDGE_RELAY = 'realtime:bridge';
/** Sockets whose transport is backed up: left out of broadcasts until it drains. */
export const SLOW_ROOM = 'realtime:slow';
const SWEEP_MS = 500;
/** Consecutive sweeps a transport must stay unwritable to count as slow (polling blinks). */
const SLOW_STRIKES = 3;

interface InterServerEvents {
  [BRIDGE_RELAY]: (update: MarketUpdate) => void;
}

export type RealtimeServer = Server<Record<string, never>, ServerToClientEvents, InterServerEvents>;

/**
 * The one fan-out path: each coalesced update goes to its symbol's room through the
 * Socket.IO adapter (in memory, or Redis streams: every instance's subscribers, and
 * connection-state recovery), and to the /ws bridge here and, relayed, on the other
 * instances. Sockets that do not keep up are left out of broadcasts until they drain.
 */
@Injectable()
export class RealtimeFanoutService implements OnModuleDestroy {
  private server?: RealtimeServer;
  private subscription?: Subscription;
  private sweeper?: NodeJS.Timeout;
  private readonly strikes = new WeakMap<Socket, number>();
  private readonly relay: boolean;

  constructor(
    config: AppConfig,
    private readonly stream: PriceStreamService,
    private readonly bridge: WsBridgeService,
  ) {
    this.relay = config.redis.url !== undefined;
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
    const room = server.to(symbolRoom(update.payload.symbol)).except(SLOW_ROOM);
    switch (update.event) {
      case 'price_update':
        room.emit('price_update', update.payload);
        break;
      case 'candle_update':
        room.emit('candle_update', update.payload);
        break;
    }
    if (this.relay) server.serverSideEmit(BRIDGE_RELAY, update);
    this.bridge.deliver(update);
  }

  private sweep(): void {
    for (const socket of this.server?.of('/').sockets.values() ?? []) {
      const writable = socket.conn.transport.writable;
      const strikes = writable ? 0 : (this.strikes.get(socket) ?? 0) + 1;
      this.strikes.set(socket, strikes);
      if (strikes >= SLOW_STRIKES && !socket.rooms.has(SLOW_ROOM)) void socket.join(SLOW_ROOM);
      if (strikes === 0 && socket.rooms.has(SLOW_ROOM)) void socket.leave(SLOW_ROOM);
    }
  }
}
