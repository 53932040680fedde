import { Injectable } from '@nestjs/common';
import { AppException } from '../common/errors/app.exception';
import { ErrorCode } from '../common/errors/error-code';
import { AppConfig } from '../config/app-config';
import type { Timeframe } from '../price-history/timeframe';
import {
  requestedSymbols,
  requestedTimeframes,
  type SubscriptionRequestDto,
} from './dto/subscription-request.dto';
import { KnownSymbolsService } from './known-symbols.service';
import type { SubscriptionChangePayload } from './realtime.events';

/** What a subscribe changed: the answer, and per named symbol its candle timeframes before and after. */
export interface SubscribeResult extends SubscriptionChangePayload {
  candles: { symbol: string; before: Timeframe[]; after: Timeframe[] }[];
}

/**
 * The subscription registry of both protocols (Socket.IO sockets and /ws connections, by
 * client id) and its rules: known symbols only, at most WS_MAX_SYMBOLS_PER_CLIENT each.
 * A request is applied whole or not at all. Each subscribed symbol carries the candle
 * timeframes its client streams; how many clients want each is counted, so live candles
 * are rolled up only for timeframes somebody watches.
 */
@Injectable()
export class SubscriptionsService {
  private readonly byClient = new Map<string, Map<string, Set<Timeframe>>>();
  private readonly wanted = new Map<string, Map<Timeframe, number>>();
  private readonly maxSymbols: number;

  constructor(
    config: AppConfig,
    private readonly knownSymbols: KnownSymbolsService,
  ) {
    this.maxSymbols = config.realtime.maxSymbolsPerClient;
  }

  async subscribe(clientId: string, request: SubscriptionRequestDto): Promise<SubscribeResult> {
    const symbols = requestedSymbols(request);
    const timeframes = requestedTimeframes(request);
    const unknown = await this.knownSymbols.unknownAmong(symbols);
    if (unknown.length > 0) {
      throw new AppException(
        ErrorCode.NotFound,
        `Unknown symbol${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`,
      );
    }
    const current = this.byClient.get(clientId) ?? new Map<string, Set<Timeframe>>();
    const added = symbols.filter((symbol) => !current.has(symbol));
    if (current.size + added.length > this.maxSymbols) {
      throw new AppException(
        ErrorCode.LimitExceeded,
        `At most ${this.maxSymbols} symbols per client: already subscribed to ${current.size}, ` +
          `${added.length} more requested`,
      );
    }
    const candles = symbols.map((symbol) => {
      const before = [...(current.get(symbol) ?? [])];
      this.count(symbol, before, -1);
      this.count(symbol, timeframes, +1);
      current.set(symbol, new Set(timeframes));
      return { symbol, before, after: timeframes };
    });
    this.byClient.set(clientId, current);
    return { symbols: added, subscriptions: [...current.keys()], candles };
  }

  unsubscribe(clientId: string, request: SubscriptionRequestDto): SubscriptionChangePayload {
    const current = this.byClient.get(clientId) ?? new Map<string, Set<Timeframe>>();
    const removed = requestedSymbols(request).filter((symbol) => {
      const timeframes = current.get(symbol);
      if (!timeframes) return false;
      this.count(symbol, [...timeframes], -1);
      return current.delete(symbol);
    });
    if (current.size === 0) this.byClient.delete(clientId);
    return { symbols: removed, subscriptions: [...current.keys()] };
  }

  subscriptionsOf(clientId: string): string[] {
    return [...(this.byClient.get(clientId)?.keys() ?? [])];
  }

  /** The candle timeframes a client streams for a symbol (none when not subscribed). */
  timeframesOf(clientId: string, symbol: string): ReadonlySet<Timeframe> {
    return this.byClient.get(clientId)?.get(symbol) ?? new Set();
  }

  /** The candle timeframes at least one client of this instance streams for a symbol. */
  wantedTimeframes(symbol: string): Timeframe[] {
    return [...(this.wanted.get(symbol)?.keys() ?? [])];
  }

  /** A recovered Socket.IO session comes back with its rooms: the registry follows them. */
  restore(clientId: string, subscriptions: ReadonlyMap<string, readonly Timeframe[]>): void {
    this.forget(clientId);
    if (subscriptions.size === 0) return;
    const current = new Map<string, Set<Timeframe>>();
    for (const [symbol, timeframes] of subscriptions) {
      current.set(symbol, new Set(timeframes));
      this.count(symbol, timeframes, +1);
    }
    this.byClient.set(clientId, current);
  }

  forget(clientId: string): void {
    for (const [symbol, timeframes] of this.byClient.get(clientId) ?? []) {
      this.count(symbol, [...timeframes], -1);
    }
    this.byClient.delete(clientId);
  }

  private count(symbol: string, timeframes: readonly Timeframe[], delta: 1 | -1): void {
    const counts = this.wanted.get(symbol) ?? new Map<Timeframe, number>();
    for (const timeframe of timeframes) {
      const next = (counts.get(timeframe) ?? 0) + delta;
      if (next > 0) counts.set(timeframe, next);
      else counts.delete(timeframe);
    }
    if (counts.size > 0) this.wanted.set(symbol, counts);
    else this.wanted.delete(symbol);
  }
}
