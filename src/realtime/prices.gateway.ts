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
import { SubscriptionRequestDto, requestedSymbols } from './dto/subscription-request.dto';
import { PriceStreamService } from './price-stream.service';
import { RealtimeAuthService } from './realtime-auth.service';
import { RealtimeFanoutService, type RealtimeServer } from './realtime-fanout.service';
import { RealtimeQuotesService } from './realtime-quotes.service';
import { RecoverySessionsService } from './recovery-sessions.service';
import type { Timeframe } from '../price-history/timeframe';
import {
  ClientEvent,
  USD_CODE,
  candleRoom,
  parseCandleRoom,
  parseSymbolRoom,
  symbolRoom,
  type PriceUpdatePayload,
  type PongPayload,
  type ServerToClientEvents,
  type SubscriptionAck,
  type SubscriptionsPayload,
} from './realtime.events';
import { SubscriptionsService } from './subscriptions.service';
import { WsExceptionFilter } from './ws-exception.filter';
import { WsThrottlerGuard } from './ws-throttler.guard';

type PriceSocket = Socket<Record<string, never>, ServerToClientEvents>;

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
    private readonly quotes: RealtimeQuotesService,
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
      const currencies = new Map<string, string[]>();
      for (const room of socket.rooms) {
        const prices = parseSymbolRoom(room);
        if (!prices) continue;
        subscriptions.set(prices.symbol, []);
        if (prices.currency !== USD_CODE) {
          currencies.set(prices.currency, [
            ...(currencies.get(prices.currency) ?? []),
            prices.symbol,
          ]);
        }
      }
      for (const room of socket.rooms) {
        const candles = parseCandleRoom(room);
        if (candles) subscriptions.get(candles.symbol)?.push(candles.timeframe);
      }
      this.subscriptions.restore(socket.id, subscriptions);
      for (const [currency, symbols] of currencies) {
        this.subscriptions.setCurrency(socket.id, symbols, currency);
        // Another instance may not hold this currency's rates yet; until it does, the
        // socket's converted rooms get nothing (there is nothing to convert with).
        void this.quotes.prepare(currency).catch(() => undefined);
      }
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
    const currency = await this.quotes.prepare(request.vs_currency);
    const { candles, ...subscribed } = await this.subscriptions.subscribe(socket.id, request);
    const change = currency === USD_CODE ? subscribed : { ...subscribed, vs_currency: currency };
    if (!socket.connected) {
      this.subscriptions.forget(socket.id);
      return { success: true, ...change };
    }
    const requested = requestedSymbols(request);
    const previous = new Map(
      this.subscriptions
        .setCurrency(socket.id, requested, currency)
        .map(({ symbol, before }) => [symbol, before]),
    );
    for (const { symbol, before } of candles) {
      const was = previous.get(symbol) ?? USD_CODE;
      for (const timeframe of before) await socket.leave(candleRoom(symbol, timeframe, was));
      if (was !== currency) await socket.leave(symbolRoom(symbol, was));
    }
    // New symbols, and those now read in another currency: their price room and a snapshot.
    const fresh = requested.filter(
      (symbol) => change.symbols.includes(symbol) || previous.get(symbol) !== currency,
    );
    await socket.join([
      ...fresh.map((symbol) => symbolRoom(symbol, currency)),
      ...candles.flatMap(({ symbol, after }) =>
        after.map((timeframe) => candleRoom(symbol, timeframe, currency)),
      ),
    ]);
    socket.emit('subscribed', change);
    const snapshots = await Promise.all(fresh.map((s) => this.snapshot(s, currency)));
    for (const snapshot of snapshots) if (snapshot) socket.emit('price_update', snapshot);
    return { success: true, ...change };
  }

  private async snapshot(symbol: string, currency: string): Promise<PriceUpdatePayload | null> {
    const snapshot = await this.stream.snapshot(symbol);
    if (!snapshot || currency === USD_CODE) return snapshot;
    const converted = this.quotes.convert({ event: 'price_update', payload: snapshot }, currency);
    return converted?.event === 'price_update' ? converted.payload : null;
  }

  @SubscribeMessage(ClientEvent.Unsubscribe)
  async unsubscribe(
    @ConnectedSocket() socket: PriceSocket,
    @MessageBody() request: SubscriptionRequestDto,
  ): Promise<SubscriptionAck> {
    const change = this.subscriptions.unsubscribe(socket.id, request);
    for (const symbol of change.symbols) {
      for (const room of [...socket.rooms]) {
        if (parseSymbolRoom(room)?.symbol === symbol || parseCandleRoom(room)?.symbol === symbol) {
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
