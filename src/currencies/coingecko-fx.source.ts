import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { AdvisoryLockService } from '../database/advisory-lock.service';
import { ProviderHttpClient } from '../ingestion/providers/http-client';
import { CurrenciesService } from './currencies.service';
import { parseExchangeRates } from './exchange-rates.parser';
import { FxRatesRepository } from './fx-rates.repository';

export const COINGECKO_FX_SOURCE = 'coingecko';

export interface FxRefreshOutcome {
  currencies: number;
  written: number;
  rejected: number;
}

/**
 * Today's fiat and commodity rates from CoinGecko `/exchange_rates`, stored as today's rate
 * of each currency (a later call the same day replaces it). Scheduled every
 * FX_RATES_INTERVAL_SECONDS when the coingecko provider is enabled and scheduling is on;
 * every instance schedules, the holder of the lock fetches.
 */
@Injectable()
export class CoinGeckoFxSource implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(CoinGeckoFxSource.name);
  private readonly http: ProviderHttpClient;
  private timer?: NodeJS.Timeout;
  private readonly abort = new AbortController();

  constructor(
    private readonly config: AppConfig,
    private readonly locks: AdvisoryLockService,
    private readonly repository: FxRatesRepository,
    private readonly currencies: CurrenciesService,
  ) {
    this.http = new ProviderHttpClient({
      provider: 'CoinGecko exchange rates',
      timeoutMs: config.ingestion.timeoutMs,
      maxBodyBytes: config.ingestion.maxBodyBytes,
      requestsPerMinute: 5,
      circuit: config.ingestion.circuit,
    });
  }

  onApplicationBootstrap(): void {
    const interval = this.config.currencies.ratesIntervalMs;
    const { providers, schedule, syncOnStartup } = this.config.ingestion;
    if (!providers.includes('coingecko') || interval === 0 || !schedule) return;
    const run = () =>
      void this.refresh().catch((error: unknown) =>
        this.logger.warn(`exchange rates not refreshed: ${(error as Error).message}`),
      );
    this.timer = setInterval(run, interval);
    this.timer.unref();
    if (syncOnStartup) run();
  }

  beforeApplicationShutdown(): void {
    clearInterval(this.timer);
    this.abort.abort();
  }

  /** Fetches and stores today's rates (under a lock); null when another instance holds it. */
  async refresh(): Promise<FxRefreshOutcome | null> {
    const outcome = await this.locks.withLock('fx:coingecko', () => this.fetchAndStore());
    return outcome.acquired ? outcome.result : null;
  }

  private async fetchAndStore(): Promise<FxRefreshOutcome> {
    const { baseUrl, apiKey } = this.config.ingestion.coingecko;
    const url = new URL(`${baseUrl.replace(/\/$/, '')}/exchange_rates`);
    const headers: Record<string, string> = apiKey
      ? { [baseUrl.includes('pro-api') ? 'x-cg-pro-api-key' : 'x-cg-demo-api-key']: apiKey }
      : {};
    const body = await this.http.getJson(url, headers, this.abort.signal);
    const { rates, rejected } = parseExchangeRates(body);
    for (const r of rejected.filter((r) => !r.reason.startsWith('type crypto'))) {
      this.logger.warn(`exchange rates: ${r.code} rejected: ${r.reason}`);
    }
    const day = new Date().toISOString().slice(0, 10);
    await this.repository.upsertCurrencies(
      rates.map((r) => ({ code: r.code, name: r.name, kind: r.kind, source: COINGECKO_FX_SOURCE })),
    );
    const written = await this.repository.upsertRates(
      rates.map((r) => ({ currency: r.code, day, rate: r.rate, source: COINGECKO_FX_SOURCE })),
    );
    if (written > 0) await this.currencies.ratesChanged();
    return { currencies: rates.length, written, rejected: rejected.length };
  }
}
