import { Injectable } from '@nestjs/common';
import { CacheVersionsService } from '../common/cache/cache-versions.service';
import { AppException } from '../common/errors/app.exception';
import { AppConfig } from '../config/app-config';
import { RateTable } from './conversion';
import { FxRatesRepository } from './fx-rates.repository';
import { CRYPTO_QUOTES, CURRENCY_CODE, USD, type QuoteCurrency } from './quote-currencies';

/** A crypto quote's rates follow a live price: kept this briefly. */
const CRYPTO_TABLE_MS = 5_000;

interface Held<T> {
  value: Promise<T>;
  until: number;
}

/**
 * The quote currencies the service can answer in, and each one's rate history. Rate
 * histories are small (one rate a day) and read on every converted request, so each
 * instance keeps them in memory for FX_CACHE_SECONDS (a crypto quote's, whose current rate
 * moves with the market, for 5 s); writes through this process drop them at once.
 */
@Injectable()
export class CurrenciesService {
  private readonly tables = new Map<string, Held<RateTable>>();
  private supportedCodes?: Held<Map<string, QuoteCurrency>>;

  constructor(
    private readonly repository: FxRatesRepository,
    private readonly config: AppConfig,
    private readonly cacheVersions: CacheVersionsService,
  ) {}

  /** The quote currency of a request (default usd), or a 400 naming the supported ones. */
  async resolve(code: string | undefined, field = 'vs_currency'): Promise<QuoteCurrency> {
    const wanted = (code ?? 'usd').toLowerCase();
    if (wanted === 'usd') return USD;
    const known = CURRENCY_CODE.test(wanted) ? (await this.supported()).get(wanted) : undefined;
    if (known) return known;
    throw AppException.validation([
      {
        field,
        message: `${field} must be one of: ${[...(await this.supported()).keys()].join(', ')}`,
      },
    ]);
  }

  /** Every supported currency by code: usd, the FX currencies with rates, priced crypto quotes. */
  async supported(): Promise<Map<string, QuoteCurrency>> {
    const now = Date.now();
    if (!this.supportedCodes || this.supportedCodes.until <= now) {
      const value = this.loadSupported();
      this.supportedCodes = { value, until: now + this.config.currencies.cacheMs };
      value.catch(() => (this.supportedCodes = undefined));
    }
    return this.supportedCodes.value;
  }

  /** The rates of a quote currency: USD's identity, an FX history, or a crypto asset's prices. */
  async table(quote: QuoteCurrency): Promise<RateTable> {
    if (quote.kind === 'usd') return RateTable.usd();
    const now = Date.now();
    const held = this.tables.get(quote.code);
    if (held && held.until > now) return held.value;
    const value = quote.kind === 'fiat' ? this.loadFiat(quote.code) : this.loadCrypto(quote);
    const ttl = quote.kind === 'fiat' ? this.config.currencies.cacheMs : CRYPTO_TABLE_MS;
    this.tables.set(quote.code, { value, until: now + ttl });
    value.catch(() => this.tables.delete(quote.code));
    return value;
  }

  /** Forgets what this instance holds (after it wrote rates). */
  invalidate(): void {
    this.tables.clear();
    this.supportedCodes = undefined;
  }

  /** After rates were written: this instance reads them again, every cached answer is stale. */
  async ratesChanged(): Promise<void> {
    this.invalidate();
    await this.cacheVersions.invalidateAll();
  }

  private async loadSupported(): Promise<Map<string, QuoteCurrency>> {
    const [fiat, priced] = await Promise.all([
      this.repository.currencies(),
      this.repository.pricedSymbols([
        ...new Set(Object.values(CRYPTO_QUOTES).map((q) => q.symbol)),
      ]),
    ]);
    const codes = new Map<string, QuoteCurrency>([['usd', USD]]);
    for (const { code, name, kind } of fiat)
      codes.set(code, { code, kind: 'fiat', type: kind, name });
    for (const [code, asset] of Object.entries(CRYPTO_QUOTES)) {
      if (priced.includes(asset.symbol)) {
        codes.set(code, { code, kind: 'crypto', type: 'crypto', name: asset.name, asset });
      }
    }
    return new Map([...codes.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
  }

  private async loadFiat(code: string): Promise<RateTable> {
    const rows = await this.repository.rates(code);
    return new RateTable(
      rows.map((r) => ({ day: r.day, rate: Number(r.rate) })),
      this.config.currencies.carryDays,
    );
  }

  /** A dollar is `unit / price` of the asset: its daily closes, and its current price now. */
  private async loadCrypto(quote: QuoteCurrency): Promise<RateTable> {
    const { symbol, unit } = quote.asset!;
    const [closes, current] = await Promise.all([
      this.repository.dailyCloses(symbol),
      this.repository.currentPrice(symbol),
    ]);
    return new RateTable(
      closes.map((c) => ({ day: c.day, rate: unit / Number(c.close) })),
      this.config.currencies.carryDays,
      current === null ? null : unit / Number(current),
    );
  }
}
