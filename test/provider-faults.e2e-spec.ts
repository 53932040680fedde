// Providers that hang, flood or drip: every call is bounded, the run records why it failed,
// the circuit opens, and the other providers of a scheduled job still run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { IngestionScheduler } from '../src/ingestion/ingestion.scheduler';
import { IngestionService } from '../src/ingestion/ingestion.service';
import { clientsFor } from './support/clients';
import { FakeProviderServer } from './support/fake-provider-server';
import { startTestApp, type TestApp } from './support/test-app';

const fixture = (name: string) =>
  JSON.parse(readFileSync(join(__dirname, 'fixtures', 'providers', name), 'utf8')) as unknown;

describe('Provider faults (e2e)', () => {
  const coingecko = new FakeProviderServer();
  const coinpaprika = new FakeProviderServer();
  let sut: TestApp;

  beforeAll(async () => {
    const [coingeckoUrl, coinpaprikaUrl] = await Promise.all([
      coingecko.start(),
      coinpaprika.start(),
    ]);
    sut = await startTestApp({
      env: {
        INGESTION_SCHEDULE: 'true',
        INGESTION_PROVIDERS: 'coingecko,coinpaprika',
        COINGECKO_BASE_URL: `${coingeckoUrl}/api/v3`,
        COINPAPRIKA_BASE_URL: coinpaprikaUrl,
        PROVIDER_TIMEOUT_MS: '400',
        PROVIDER_MAX_BODY_BYTES: '1048576',
      },
    });
  });

  afterAll(async () => {
    await sut.close();
    await Promise.all([coingecko.stop(), coinpaprika.stop()]);
  });

  const run = async (provider: 'coingecko' | 'coinpaprika') => {
    const started = Date.now();
    const result = await sut.app.get(IngestionService).run(provider, 'manual', 10);
    return { result, ms: Date.now() - started };
  };

  it('refuses a response that floods, without retrying or reading it all', async () => {
    coingecko.script({ flood: 'fast' });
    const rssBefore = process.memoryUsage().rss;

    const { result, ms } = await run('coingecko');

    expect(result).toMatchObject({
      status: 'failed',
      error: 'CoinGecko GET /api/v3/coins/markets: the response exceeds 1048576 bytes',
      details: { error_kind: 'upstream' },
    });
    expect(coingecko.requests).toHaveLength(1);
    expect(ms).toBeLessThan(5_000);
    // The 1 MiB was counted, not kept whole: the process did not grow by the flood.
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(256 * 1024 * 1024);
  });

  it('bounds a response that drips by the per-request timeout, and says so', async () => {
    coingecko.script({ flood: 'drip' });

    const { result, ms } = await run('coingecko');

    expect(result).toMatchObject({
      status: 'failed',
      error: 'CoinGecko GET /api/v3/coins/markets: the response did not finish within 400 ms',
      details: { error_kind: 'timeout' },
    });
    expect(ms).toBeLessThan(3_000);
  });

  it('keeps the other providers of a scheduled job going while one hangs, then opens its circuit', async () => {
    coingecko.script({ hang: true });
    coinpaprika.script({ status: 200, body: fixture('coinpaprika-tickers.json') });
    const scheduler = sut.app.get(IngestionScheduler);
    const runsOf = (job: string) =>
      sut.app.get(DataSource).query<{ source: string; status: string; kind: string | null }[]>(
        `SELECT source, status, details->>'error_kind' AS kind FROM ingestion_runs
            WHERE details->>'job' = $1 ORDER BY started_at`,
        [job],
      );

    await scheduler.syncTop50();

    expect(await runsOf('top-50')).toEqual([
      { source: 'coingecko', status: 'failed', kind: 'timeout' },
      { source: 'coinpaprika', status: expect.stringMatching(/^(success|partial)$/), kind: null },
    ]);
    // Every run so far failed: the breaker (5 failed calls) opens on the next ones.
    for (let i = 0; i < 3; i++) await run('coingecko');
    const requests = coingecko.requests.length;
    const { result, ms } = await run('coingecko');
    expect(result).toMatchObject({ status: 'failed', details: { error_kind: 'circuit_open' } });
    expect(ms).toBeLessThan(500);
    expect(coingecko.requests).toHaveLength(requests);
    const { body } = await clientsFor(sut.baseUrl).market.detail('BTC');
    expect(body.symbol).toBe('BTC');
  });
});
