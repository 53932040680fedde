import { Injectable } from '@nestjs/common';
import { InjectThrottlerStorage, type ThrottlerStorage } from '@nestjs/throttler';
import type { RawData } from 'ws';
import { AppException } from '../common/errors/app.exception';
import { ErrorCode } from '../common/errors/error-code';
import { SYMBOL_PATTERN } from '../common/pipes/parse-symbol.pipe';
import { createValidationPipe } from '../common/pipes/validation.pipe';
import { AppConfig } from '../config/app-config';
import { SubscriptionRequestDto, requestedSymbols } from './dto/subscription-request.dto';
import { PriceStreamService } from './price-stream.service';
import { RealtimeQuotesService } from './realtime-quotes.service';
import { USD_CODE, type ConnectedPayload, type PriceUpdatePayload } from './realtime.events';
import { SubscriptionsService } from './subscriptions.service';
import { ALL_SYMBOLS, sendEvent, sendJson, textOf, type WsClient } from './ws-client';
import { WsClientRegistry } from './ws-client-registry';
import { toErrorPayload } from './ws-errors';
import { wsSubscriptionChange } from './ws-messages';
import { WS_THROTTLER, messageRateError } from './ws-throttler.guard';

/**
 * What a plain-WebSocket client says and is answered: the `/ws` message protocol
 * (subscribe, unsubscribe, ping, get_subscriptions, each validated like the gateway's
 * messages and rate-limited per connection) and the start of a `/ws/prices/{symbol|ALL}`
 * stream. Errors are answered as `error` messages; the connection stays open.
 */
@Injectable()
export class WsProtocolService {
  /** The pipe the gateway's messages (and HTTP bodies) go through. */
  private readonly validation = createValidationPipe();

  constructor(
    private readonly config: AppConfig,
    private readonly registry: WsClientRegistry,
    private readonly subscriptions: SubscriptionsService,
    private readonly stream: PriceStreamService,
    private readonly quotes: RealtimeQuotesService,
    @InjectThrottlerStorage() private readonly throttler: ThrottlerStorage,
  ) {}

  greeting(clientId: string, message: string): ConnectedPayload {
    const now = new Date();
    return {
      client_id: clientId,
      message,
      timestamp: now.toISOString(),
      server_time: now.getTime(),
    };
  }

  /** `/ws/prices/{symbol|ALL}`: subscribes the client, greets it, sends the current price. */
  async startStream(
    client: WsClient,
    requested: string,
    vsCurrency: string | undefined,
  ): Promise<void> {
    const symbol = requested.toUpperCase();
    try {
      let currency = USD_CODE;
      if (symbol === ALL_SYMBOLS) {
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
        this.registry.index(client, [symbol]);
      }
      sendJson(client, {
        type: 'connection',
        ...this.greeting(client.id, `Streaming ${symbol === ALL_SYMBOLS ? 'all prices' : symbol}`),
        symbol,
        ...(currency === USD_CODE ? {} : { vs_currency: currency }),
      });
      if (!client.all) await this.sendSnapshots(client, [symbol], currency);
    } catch (error) {
      sendEvent(client, 'error', toErrorPayload(error));
      client.ws.close(1008, 'subscription refused');
    }
  }

  /** One `/ws` message: rate-limited, parsed, handled; any failure answered as an `error`. */
  async onMessage(client: WsClient, data: RawData, isBinary: boolean): Promise<void> {
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
      sendEvent(client, 'error', toErrorPayload(error));
    }
  }

  private async handle(client: WsClient, type: unknown, body: object): Promise<void> {
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
        this.registry.index(client, change.symbols);
        const requested = requestedSymbols(request);
        const switched = this.subscriptions
          .setCurrency(client.id, requested, currency)
          .filter(({ before }) => before !== currency)
          .map(({ symbol }) => symbol);
        sendJson(client, wsSubscriptionChange('subscribed', change, requested));
        await this.sendSnapshots(client, [...new Set([...change.symbols, ...switched])], currency);
        return;
      }
      case 'unsubscribe': {
        const request = await this.parse(body);
        const change = this.subscriptions.unsubscribe(client.id, request);
        for (const symbol of change.symbols) this.registry.unindex(client, symbol);
        sendJson(client, wsSubscriptionChange('unsubscribed', change, requestedSymbols(request)));
        return;
      }
      case 'ping':
        sendEvent(client, 'pong', { timestamp: new Date().toISOString() });
        return;
      case 'get_subscriptions':
        sendEvent(client, 'subscriptions', {
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

  /** The current price of each symbol, in the currency the client reads it in. */
  private async sendSnapshots(
    client: WsClient,
    symbols: readonly string[],
    currency: string = USD_CODE,
  ): Promise<void> {
    const snapshots = await Promise.all(symbols.map((symbol) => this.stream.snapshot(symbol)));
    for (const snapshot of snapshots.filter((s): s is PriceUpdatePayload => s !== null)) {
      const converted =
        currency === USD_CODE
          ? null
          : this.quotes.convert({ event: 'price_update', payload: snapshot }, currency);
      if (converted?.event === 'price_update') sendEvent(client, 'price_update', converted.payload);
      else if (currency === USD_CODE) sendEvent(client, 'price_update', snapshot);
    }
  }
}
