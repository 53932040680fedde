import { Injectable } from '@nestjs/common';
import { SubscriptionsService } from './subscriptions.service';
import type { WsClient } from './ws-client';

/**
 * The open plain-WebSocket connections of this instance, and which of them stream each
 * symbol: what an update's recipients are found from. Subscriptions themselves (rules,
 * timeframes, currencies) live in the registry both protocols share (SubscriptionsService).
 */
@Injectable()
export class WsClientRegistry {
  private readonly clients = new Map<string, WsClient>();
  private readonly bySymbol = new Map<string, Set<WsClient>>();

  constructor(private readonly subscriptions: SubscriptionsService) {}

  add(client: WsClient): void {
    this.clients.set(client.id, client);
  }

  /** Every open connection. */
  all(): IterableIterator<WsClient> {
    return this.clients.values();
  }

  /** Who gets an update of a symbol: its subscribers, and for prices the ALL streams. */
  recipientsOf(symbol: string, event: 'price_update' | 'candle_update'): Set<WsClient> {
    const recipients = new Set(this.bySymbol.get(symbol));
    if (event === 'price_update') {
      for (const client of this.clients.values()) if (client.all) recipients.add(client);
    }
    return recipients;
  }

  /** Indexes newly subscribed symbols; a client closed meanwhile is forgotten instead. */
  index(client: WsClient, symbols: readonly string[]): void {
    if (!this.clients.has(client.id)) {
      // Closed while its subscription was being checked.
      this.subscriptions.forget(client.id);
      return;
    }
    for (const symbol of symbols) {
      const set = this.bySymbol.get(symbol) ?? new Set<WsClient>();
      set.add(client);
      this.bySymbol.set(symbol, set);
    }
  }

  unindex(client: WsClient, symbol: string): void {
    const set = this.bySymbol.get(symbol);
    set?.delete(client);
    if (set?.size === 0) this.bySymbol.delete(symbol);
  }

  /** A closed connection: out of the index and of the shared subscription registry. */
  forget(client: WsClient): void {
    this.clients.delete(client.id);
    for (const symbol of this.subscriptions.subscriptionsOf(client.id)) {
      this.unindex(client, symbol);
    }
    this.subscriptions.forget(client.id);
  }
}
