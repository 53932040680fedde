import type { AppConfig } from '../../config/app-config';
import type { ProviderName } from '../../config/ingestion-environment';
import { ProviderHttpClient } from './http-client';
import type { FetchedPayload, MarketDataProvider, NormalisedBatch } from './market-data-provider';

/** What the HTTP sources share: an HTTP client bounded by PROVIDER_TIMEOUT_MS, the
 * source's own request budget and its circuit breaker. */
export abstract class HttpListingProvider implements MarketDataProvider {
  abstract readonly name: ProviderName;
  protected readonly http: ProviderHttpClient;

  protected constructor(
    protected readonly config: AppConfig,
    label: string,
    requestsPerMinute: number,
  ) {
    this.http = new ProviderHttpClient({
      provider: label,
      timeoutMs: config.ingestion.timeoutMs,
      maxBodyBytes: config.ingestion.maxBodyBytes,
      requestsPerMinute,
      circuit: config.ingestion.circuit,
    });
  }

  unavailableReason(): string | null {
    return null;
  }

  abstract fetch(signal: AbortSignal, limit?: number): Promise<FetchedPayload>;
  abstract normalise(fetched: FetchedPayload): NormalisedBatch;
}
