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
import { USD_CODE, type SubscriptionChangePayload } from './realtime.events';

const NO_CURRENCIES: readonly string[] = [];

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
  /** By client, the symbols it reads in a quote currency other than usd. */
  private readonly currencyByClient = new Map<string, Map<string, string>>();
  /** By symbol, how many clients of this instance read it in each currency other than usd. */
  private readonly wantedCurrency = new Map<string, Map<string, number>>();
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

  /**
   * Sets the quote currency a client reads these (subscribed) symbols in; answers, per
   * symbol, the one it read them in before (usd for a new subscription).
   */
  setCurrency(
    clientId: string,
    symbols: readonly string[],
    currency: string,
  ): { symbol: string; before: string }[] {
    const subscribed = this.byClient.get(clientId);
    const currencies = this.currencyByClient.get(clientId) ?? new Map<string, string>();
    const changes = symbols
      .filter((symbol) => subscribed?.has(symbol))
      .map((symbol) => {
        const before = currencies.get(symbol) ?? USD_CODE;
        this.countCurrency(symbol, before, -1);
        this.countCurrency(symbol, currency, +1);
        if (currency === USD_CODE) currencies.delete(symbol);
        else currencies.set(symbol, currency);
        return { symbol, before };
      });
    if (currencies.size > 0) this.currencyByClient.set(clientId, currencies);
    else this.currencyByClient.delete(clientId);
    return changes;
  }

  /** The quote currency a client reads a symbol in (usd unless it named another). */
  currencyOf(clientId: string, symbol: string): string {
    return this.currencyByClient.get(clientId)?.get(symbol) ?? USD_CODE;
  }

  /** The quote currencies other than usd at least one client of this instance reads a symbol in. */
  wantedCurrencies(symbol: string): readonly string[] {
    const counts = this.wantedCurrency.get(symbol);
    return counts ? [...counts.keys()] : NO_CURRENCIES;
  }

  unsubscribe(clientId: string, request: SubscriptionRequestDto): SubscriptionChangePayload {
    const current = this.byClient.get(clientId) ?? new Map<string, Set<Timeframe>>();
    const removed = requestedSymbols(request).filter((symbol) => {
      const timeframes = current.get(symbol);
      if (!timeframes) return false;
      this.count(symbol, [...timeframes], -1);
      this.setCurrency(clientId, [symbol], USD_CODE);
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

  /** Every symbol with the candle timeframes clients of this instance stream for it. */
  allWantedTimeframes(): IterableIterator<[string, ReadonlyMap<Timeframe, number>]> {
    return this.wanted.entries();
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
    for (const [symbol, currency] of this.currencyByClient.get(clientId) ?? []) {
      this.countCurrency(symbol, currency, -1);
    }
    this.currencyByClient.delete(clientId);
    for (const [symbol, timeframes] of this.byClient.get(clientId) ?? []) {
      this.count(symbol, [...timeframes], -1);
    }
    this.byClient.delete(clientId);
  }

  private countCurrency(symbol: string, currency: string, delta: 1 | -1): void {
    if (currency === USD_CODE) return;
    const counts = this.wantedCurrency.get(symbol) ?? new Map<string, number>();
    const next = (counts.get(currency) ?? 0) + delta;
    if (next > 0) counts.set(currency, next);
    else counts.delete(currency);
    if (counts.size > 0) this.wantedCurrency.set(symbol, counts);
    else this.wantedCurrency.delete(symbol);
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
