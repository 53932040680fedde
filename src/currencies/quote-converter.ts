import { Injectable } from '@nestjs/common';
import { RateTable } from './conversion';
import { CurrenciesService } from './currencies.service';
import { USD, type QuoteCurrency } from './quote-currencies';

/** A request's quote currency with its rates: what mappers convert money with. */
export interface Quote {
  currency: QuoteCurrency;
  rates: RateTable;
}

export const USD_QUOTE: Quote = { currency: USD, rates: RateTable.usd() };

/** Turns a request's `vs_currency` into a Quote (a 400 naming the supported ones if unknown). */
@Injectable()
export class QuoteConverter {
  constructor(private readonly currencies: CurrenciesService) {}

  async quote(code: string | undefined, field = 'vs_currency'): Promise<Quote> {
    if (code === undefined || code === 'usd') return USD_QUOTE;
    const currency = await this.currencies.resolve(code, field);
    return { currency, rates: await this.currencies.table(currency) };
  }

  /** Several quotes at once (each validated), in the order asked. */
  async quotes(codes: readonly string[], field: string): Promise<Quote[]> {
    return Promise.all(codes.map((code) => this.quote(code, field)));
  }
}
