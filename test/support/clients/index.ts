// One client per resource, all on one base URL: `const { market, ingestion } = clientsFor(url)`.
import { ApiClient } from './api-client';
import { ApiKeysClient } from './api-keys-client';
import { CompatibilityClient } from './compatibility-client';
import { DashboardClient } from './dashboard-client';
import { HealthClient } from './health-client';
import { IngestionClient } from './ingestion-client';
import { MarketClient } from './market-client';
import { PollingClient } from './polling-client';
import { ProbeClient } from './probe-client';
import { SentimentClient } from './sentiment-client';
import { ServiceClient } from './service-client';

export * from './api-client';
export type { OpenApiDocument } from './service-client';
export {
  ApiKeysClient,
  CompatibilityClient,
  DashboardClient,
  HealthClient,
  IngestionClient,
  MarketClient,
  PollingClient,
  ProbeClient,
  SentimentClient,
  ServiceClient,
};

export interface Clients {
  api: ApiClient;
  market: MarketClient;
  ingestion: IngestionClient;
  health: HealthClient;
  apiKeys: ApiKeysClient;
  sentiment: SentimentClient;
  dashboard: DashboardClient;
  compat: CompatibilityClient;
  service: ServiceClient;
  polling: PollingClient;
}

/** Clients for a base URL (or a function giving it once the app has started), with these headers. */
export function clientsFor(
  baseUrl: string | (() => string),
  headers: Record<string, string> = {},
): Clients {
  const api = new ApiClient(baseUrl, headers);
  return {
    api,
    market: new MarketClient(api),
    ingestion: new IngestionClient(api),
    health: new HealthClient(api),
    apiKeys: new ApiKeysClient(api),
    sentiment: new SentimentClient(api),
    dashboard: new DashboardClient(api),
    compat: new CompatibilityClient(api),
    service: new ServiceClient(api),
    polling: new PollingClient(api),
  };
}
