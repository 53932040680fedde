import { Injectable, Logger } from '@nestjs/common';
import type { RateTable } from '../currencies/conversion';
import { CurrenciesService } from '../currencies/currencies.service';
import type { QuoteCurrency } from '../currencies/quote-currencies';
import { convertUpdate } from './realtime-currency';
import { USD_CODE, type MarketUpdate } from './realtime.events';

/** How often a held rate table is checked against the currency service's (which caches it). */
const RECHECK_MS = 1_000;

interface Held {
  currency: QuoteCurrency;
  rates: RateTable;
  checkedAt: number;
  refreshing: boolean;
}

/**
 * The rates of the quote currencies live subscribers asked for, held so the fan-out converts
 * synchronously, in order: loaded when a subscription names the currency (which also checks
 * it is supported), then refreshed in the background from CurrenciesService (FX tables for
 * FX_CACHE_SECONDS, crypto quotes, which move with the market, every 5 s).
 */
@Injectable()
export class RealtimeQuotesService {
  private readonly logger = new Logger(RealtimeQuotesService.name);
  private readonly held = new Map<string, Held>();

  constructor(private readonly currencies: CurrenciesService) {}

  /**
   * The code of a subscription's quote currency (default usd), its rates loaded; a
   * `validation_failed` naming the supported currencies when it is not one.
   */
  async prepare(code: string | undefined): Promise<string> {
    const currency = await this.currencies.resolve(code);
    if (currency.code === USD_CODE) return USD_CODE;
    const rates = await this.currencies.table(currency);
    this.held.set(currency.code, { currency, rates, checkedAt: Date.now(), refreshing: false });
    return currency.code;
  }

  /** An update in a quote currency, or null when no subscription asked for it here. */
  convert(update: MarketUpdate, code: string): MarketUpdate | null {
    const rates = this.rates(code);
    return rates ? convertUpdate(update, code, rates) : null;
  }

  private rates(code: string): RateTable | undefined {
    const held = this.held.get(code);
    if (!held) return undefined;
    const now = Date.now();
    if (!held.refreshing && now - held.checkedAt >= RECHECK_MS) {
      held.refreshing = true;
      held.checkedAt = now;
      this.currencies
        .table(held.currency)
        .then((rates) => (held.rates = rates))
        .catch((error: unknown) =>
          this.logger.warn(`${code} rates not refreshed, the last ones kept: ${String(error)}`),
        )
        .finally(() => (held.refreshing = false));
    }
    return held.rates;
  }
}
