import { UseFilters, UseGuards } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
} from '@nestjs/websockets';
import type { Socket } from 'socket.io';
import { SubscriptionRequestDto } from './dto/subscription-request.dto';
import { PriceStreamService } from './price-stream.service';
import { RealtimeAuthService } from './realtime-auth.service';
import { RealtimeFanoutService, type RealtimeServer } from './realtime-fanout.service';
import { RecoverySessionsService } from './recovery-sessions.service';
import type { Timeframe } from '../price-history/timeframe';
import {
  ClientEvent,
  candleRoom,
  parseCandleRoom,
  symbolRoom,
  type PongPayload,
  type ServerToClientEvents,
  type SubscriptionAck,
  type SubscriptionsPayload,
} from './realtime.events';
import { SubscriptionsService } from './subscriptions.service';
import { WsExceptionFilter } from './ws-exception.filter';
import { WsThrottlerGuard } from './ws-throttler.guard';

type PriceSocket = Socket<Record<string, never>, ServerToClientEvents>;

const ROOM_PREFIX = symbolRoom('');

/**
 * Socket.IO, default namespace: symbol subscriptions over one room per symbol. Thin: the
 * rules live in SubscriptionsService, the updates come from the fan-out. Payloads are
 * validated into DTOs by the global ValidationPipe (Nest applies it to gateways too).
 */
@WebSocketGateway()
@UseFilters(WsExceptionFilter)
@UseGuards(WsThrottlerGuard)
export class PricesGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  constructor(
    private readonly subscriptions: SubscriptionsService,
    private readonly stream: PriceStreamService,
    private readonly fanout: RealtimeFanoutService,
    private readonly auth: RealtimeAuthService,
    private readonly recoverySessions: RecoverySessionsService,
  ) {}

  afterInit(server: RealtimeServer): void {
    if (this.auth.required) {
      server.use((socket, next) => {
        const auth = socket.handshake.auth as { apiKey?: unknown };
        this.auth
          .refusal(auth.apiKey)
          .then(
            (refusal) =>
              next(
                refusal ? Object.assign(new Error(refusal.error), { data: refusal }) : undefined,
              ),
            next,
          );
      });
    }
    this.fanout.attach(server);
    this.recoverySessions.attach(server);
  }

  handleConnection(socket: PriceSocket): void {
    if (socket.recovered) {
      const subscriptions = new Map<string, Timeframe[]>();
      for (const room of socket.rooms) {
        if (room.startsWith(ROOM_PREFIX)) subscriptions.set(room.slice(ROOM_PREFIX.length), []);
      }
      for (const room of socket.rooms) {
        const candles = parseCandleRoom(room);
        if (candles) subscriptions.get(candles.symbol)?.push(candles.timeframe);
      }
      this.subscriptions.restore(socket.id, subscriptions);
    }
    const now = new Date();
    socket.emit('connected', {
      client_id: socket.id,
      message: socket.recovered
        ? 'Reconnected: missed updates replayed'
        : 'Connected to the price stream',
      timestamp: now.toISOString(),
      server_time: now.getTime(),
    });
  }

  handleDisconnect(socket: PriceSocket): void {
    this.subscriptions.forget(socket.id);
  }

  @SubscribeMessage(ClientEvent.Subscribe)
  async subscribe(
    @ConnectedSocket() socket: PriceSocket,
    @MessageBody() request: SubscriptionRequestDto,
  ): Promise<SubscriptionAck> {
    const { candles, ...change } = await this.subscriptions.subscribe(socket.id, request);
    if (!socket.connected) {
      this.subscriptions.forget(socket.id);
      return { success: true, ...change };
    }
    for (const { symbol, before } of candles) {
      for (const timeframe of before) await socket.leave(candleRoom(symbol, timeframe));
    }
    await socket.join([
      ...change.symbols.map(symbolRoom),
      ...candles.flatMap(({ symbol, after }) => after.map((tf) => candleRoom(symbol, tf))),
    ]);
    socket.emit('subscribed', change);
    const snapshots = await Promise.all(change.symbols.map((s) => this.stream.snapshot(s)));
    for (const snapshot of snapshots) if (snapshot) socket.emit('price_update', snapshot);
    return { success: true, ...change };
  }

  @SubscribeMessage(ClientEvent.Unsubscribe)
  async unsubscribe(
    @ConnectedSocket() socket: PriceSocket,
    @MessageBody() request: SubscriptionRequestDto,
  ): Promise<SubscriptionAck> {
    const change = this.subscriptions.unsubscribe(socket.id, request);
    for (const symbol of change.symbols) {
      for (const room of [...socket.rooms]) {
        if (room === symbolRoom(symbol) || parseCandleRoom(room)?.symbol === symbol) {
          await socket.leave(room);
        }
      }
    }
    socket.emit('unsubscribed', change);
    return { success: true, ...change };
  }

  @SubscribeMessage(ClientEvent.Ping)
  ping(@ConnectedSocket() socket: PriceSocket): PongPayload {
    const pong = { timestamp: new Date().toISOString() };
    socket.emit('pong', pong);
    return pong;
  }

  @SubscribeMessage(ClientEvent.GetSubscriptions)
  getSubscriptions(@ConnectedSocket() socket: PriceSocket): SubscriptionsPayload {
    const payload = { subscriptions: this.subscriptions.subscriptionsOf(socket.id) };
    socket.emit('subscriptions', payload);
    return payload;
  }
}
