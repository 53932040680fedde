import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IngestionService } from '../src/ingestion/ingestion.service';
import { clientsFor, type Problem } from './support/clients';
import { FakeProviderServer } from './support/fake-provider-server';
import { startTestApp, type TestApp } from './support/test-app';

const MARKETS = JSON.parse(
  readFileSync(join(__dirname, 'fixtures', 'providers', 'coingecko-markets.json'), 'utf8'),
) as Record<string, unknown>[];

describe('CoinGecko source (e2e, recorded /coins/markets payloads)', () => {
  const provider = new FakeProviderServer();
  let sut: TestApp;
  let baseUrl: string;
  const run = () => sut.app.get(IngestionService).run('coingecko', 'manual', 10);

  beforeAll(async () => {
    baseUrl = await provider.start();
    sut = await startTestApp({
      env: {
        INGESTION_PROVIDERS: 'coingecko,csv',
        COINGECKO_BASE_URL: `${baseUrl}/api/v3`,
        COINGECKO_API_KEY: 'demo-key',
        PROVIDER_TIMEOUT_MS: '300',
      },
    });
  });

  afterAll(async () => {
    await sut.close();
    await provider.stop();
  });

  it('asks for the documented query and maps the markets into assets', async () => {
    provider.script({ status: 200, body: MARKETS });

    const result = await run();

    expect(result).toMatchObject({ status: 'partial', createdCount: 2, skippedCount: 1 });
    expect(result.details.rejected).toEqual([
      { at: 'item 2', reason: 'ETH already belongs to ethereum, which ranks higher' },
    ]);
    const url = new URL(provider.requests[0].url, 'http://x');
    expect(url.pathname).toBe('/api/v3/coins/markets');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      vs_currency: 'usd',
      order: 'market_cap_desc',
      per_page: '10',
      page: '1',
      price_change_percentage: '1h,24h,7d,30d',
    });
    expect(provider.requests[0].headers['x-cg-demo-api-key']).toBe('demo-key');
    const btc = (await clientsFor(sut.baseUrl).market.detail('BTC')).body;
    expect(btc).toMatchObject({
      name: 'Bitcoin',
      current_price: 97215,
      market_cap_rank: 1,
      price_change_percentage_1h: 0.1847,
      price_change_percentage_7d: -2.41005,
      max_supply: 21000000,
      ath_date: '2024-12-17T15:02:41.429Z',
      source: 'coingecko',
      provider_ids: { coingecko: 'bitcoin', coinmarketcap: null, coinpaprika: null },
    });
  });

  it('honours Retry-After on 429 and retries a 500, then succeeds', async () => {
    provider.script(
      { status: 429, headers: { 'retry-after': '1' } },
      { status: 500 },
      { status: 200, body: MARKETS.slice(0, 1) },
    );
    const started = Date.now();

    const result = await run();

    expect(result.status).toBe('success');
    expect(provider.requests).toHaveLength(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
  });

  it('records a failed run after bounded retries of a failing provider', async () => {
    provider.script({ status: 503 });

    const result = await run();

    expect(result).toMatchObject({
      status: 'failed',
      error: 'CoinGecko GET /api/v3/coins/markets: HTTP 503',
    });
    expect(provider.requests).toHaveLength(4);
  });

  it('records a timeout as such when the provider does not answer', async () => {
    provider.script({ hang: true });

    const result = await run();

    expect(result.status).toBe('failed');
    expect(result.error).toContain('no answer within 300 ms');
    expect(result.details).toMatchObject({ error_kind: 'timeout' });
  });

  it('records malformed JSON without retrying it', async () => {
    provider.script({ status: 200, raw: '[{"id": "bitcoin",' });

    const result = await run();

    expect(result).toMatchObject({
      status: 'failed',
      error: 'CoinGecko GET /api/v3/coins/markets: the response is not valid JSON',
    });
    expect(provider.requests).toHaveLength(1);
  });

  it('records schema drift (a renamed field) and skips those records instead of storing wrong numbers', async () => {
    const renamed = MARKETS.slice(0, 2).map(({ current_price, ...coin }) => ({
      ...coin,
      price: current_price,
    }));
    provider.script({ status: 200, body: renamed });

    const result = await run();

    expect(result).toMatchObject({
      status: 'partial',
      createdCount: 0,
      updatedCount: 0,
      skippedCount: 2,
      driftCount: 1,
    });
    expect(result.details.drift).toEqual(['field current_price is missing (2 records)']);
  });

  it('opens the circuit after repeated failures: later runs fail at once, recorded as such', async () => {
    const breaker = await startTestApp({
      env: {
        INGESTION_PROVIDERS: 'coingecko',
        COINGECKO_BASE_URL: `${baseUrl}/api/v3`,
        PROVIDER_TIMEOUT_MS: '300',
        PROVIDER_CIRCUIT_FAILURES: '1',
        PROVIDER_CIRCUIT_OPEN_SECONDS: '60',
        ADMIN_API_KEY: 'circuit-admin-key-0123456789',
      },
    });
    try {
      provider.script({ status: 200, raw: 'not json' });
      const first = await breaker.app.get(IngestionService).run('coingecko', 'manual', 10);
      const calls = provider.requests.length;

      const second = await breaker.app.get(IngestionService).run('coingecko', 'manual', 10);
      const admin = clientsFor(breaker.baseUrl, { 'X-API-Key': 'circuit-admin-key-0123456789' });
      const response = await admin.ingestion.sync({ provider: 'coingecko' });

      expect(first.details).toMatchObject({ error_kind: 'upstream' });
      expect(second).toMatchObject({ status: 'failed', details: { error_kind: 'circuit_open' } });
      expect(second.error).toMatch(
        /^CoinGecko: circuit open after 1 failed calls in a row; next attempt in \d+ s$/,
      );
      expect(provider.requests).toHaveLength(calls);
      expect(response.status).toBe(502);
      expect((response.body as unknown as Problem).detail).toContain('circuit open');
    } finally {
      await breaker.close();
    }
  });
});
