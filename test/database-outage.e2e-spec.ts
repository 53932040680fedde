// PostgreSQL going away, for real: the app reaches its database through a TCP proxy that
// the test cuts (every connection dropped, new ones refused) and restores.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { IngestionJobsService } from '../src/ingestion/ingestion-jobs.service';
import { IngestionRepository } from '../src/ingestion/ingestion.repository';
import { type Answer, clientsFor } from './support/clients';
import { FakeProviderServer } from './support/fake-provider-server';
import type { TcpProxy } from './support/tcp-proxy';
import { startTestAppBehindDatabaseProxy } from './support/proxied-database';
import { startTestApp, type TestApp } from './support/test-app';
import { serverDatabaseUrl } from './support/test-database';
import { waitFor } from './support/wait-for';

const ADMIN_KEY = 'outage-admin-key-0123456789';
const MARKETS = JSON.parse(
  readFileSync(join(__dirname, 'fixtures', 'providers', 'coingecko-markets.json'), 'utf8'),
) as { symbol: string; current_price: number }[];
/** The same listing with every price doubled: visible if any of it were written. */
const REPRICED = MARKETS.map((m) => ({ ...m, current_price: m.current_price * 2 }));

/** An answer, with how long it took. */
async function timed(request: () => Promise<Answer<unknown>>) {
  const started = Date.now();
  const answer = await request();
  return {
    response: answer.response,
    body: (answer.text ? answer.body : {}) as Record<string, unknown>,
    ms: Date.now() - started,
  };
}

describe('Interrupted ingestion runs (e2e)', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startTestApp({ env: { INGESTION_PROVIDERS: 'csv' } });
  });

  afterAll(() => sut.close());

  it('records runs left running by a dead process as failed, and leaves live ones alone', async () => {
    const db = sut.app.get(DataSource);
    await db.query(
      `INSERT INTO ingestion_runs (source, trigger, status, started_at, details) VALUES
         ('csv', 'manual', 'running', now() - interval '1 hour', '{}'),
         ('csv', 'manual', 'running', now(), '{}')`,
    );

    expect(await sut.app.get(IngestionJobsService).closeInterruptedRuns()).toBe(1);

    const rows = await db.query<{ status: string; error: string | null; kind: string | null }[]>(
      `SELECT status, error, details->>'error_kind' AS kind FROM ingestion_runs ORDER BY started_at`,
    );
    expect(rows).toEqual([
      { status: 'failed', error: expect.stringMatching(/^interrupted/), kind: 'interrupted' },
      { status: 'running', error: null, kind: null },
    ]);
  });
});

const describeServer = serverDatabaseUrl ? describe : describe.skip;

describeServer('When PostgreSQL goes away (server mode, e2e)', () => {
  const provider = new FakeProviderServer();
  let proxy: TcpProxy;
  let sut: TestApp;
  let db: DataSource;
  const { market, ingestion, health } = clientsFor(() => sut.baseUrl);

  const sync = () =>
    timed(() =>
      ingestion.sync(
        { provider: 'coingecko', limit: 10, wait: false },
        { headers: { 'X-API-Key': ADMIN_KEY } },
      ),
    );

  beforeAll(async () => {
    const providerUrl = await provider.start();
    ({ sut, proxy } = await startTestAppBehindDatabaseProxy({
      ADMIN_API_KEY: ADMIN_KEY,
      INGESTION_PROVIDERS: 'coingecko',
      COINGECKO_BASE_URL: `${providerUrl}/api/v3`,
    }));
    db = sut.app.get(DataSource);
  });

  afterAll(async () => {
    await sut.close();
    await provider.stop();
  });

  it('fails a run cleanly mid-way, answers 503 fast, serves cached reads, and records the run once it is back', async () => {
    // A first run, so there is data, a checkpoint and a cached read.
    provider.script({ status: 200, body: MARKETS });
    const first = await sync();
    expect(first.response.status).toBe(202);
    const firstRunId = first.body.run_id as string;
    await waitFor(async () => {
      const [run] = await db.query<{ status: string }[]>(
        'SELECT status FROM ingestion_runs WHERE id = $1',
        [firstRunId],
      );
      return run?.status !== 'running';
    }, 'the first run');
    const cached = await timed(() => market.detail('BTC'));
    expect(cached.response.status).toBe(200);
    const btcPrice = cached.body.current_price;

    // The second run's fetch is held until the database is gone.
    let release!: () => void;
    provider.script({
      status: 200,
      body: REPRICED,
      after: new Promise<void>((r) => (release = r)),
    });
    const second = await sync();
    expect(second.response.status).toBe(202);
    const runId = second.body.run_id as string;
    await waitFor(() => provider.requests.length > 0, 'the held fetch');
    await proxy.cut();
    release();
    const repository = sut.app.get(IngestionRepository);
    await waitFor(() => repository.pendingOutcomeCount === 1, 'the failed run', 10_000);

    // Meanwhile: what needs the database is 503 within 2 s, the cached read still serves.
    for (const request of [() => market.list({ limit: 3 }), () => ingestion.runs()]) {
      const down = await timed(request);
      expect(down.response.status).toBe(503);
      expect(down.ms).toBeLessThan(2_000);
      expect(down.response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(down.response.headers.get('retry-after')).toBe('5');
      expect(down.body).toMatchObject({ status: 503, code: 'service_unavailable' });
      expect(JSON.stringify(down.body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|SELECT/);
    }
    const refused = await sync();
    expect(refused.response.status).toBe(503);
    expect(refused.ms).toBeLessThan(2_000);
    const stillCached = await timed(() => market.detail('BTC'));
    expect(stillCached.response.status).toBe(200);
    expect(stillCached.body.current_price).toBe(btcPrice);
    expect((await health.report()).status).toBe(503);

    // Back: the run is recorded as failed, nothing of it was written, nothing restarts.
    await proxy.start();
    const run = await waitFor(
      async () => {
        const response = await ingestion.run(runId);
        const body = response.response.ok ? response.body : null;
        return body?.status === 'failed' ? body : undefined;
      },
      'the run recorded after the outage',
      15_000,
      200,
    );
    expect(run).toMatchObject({
      error: 'database unavailable',
      details: { error_kind: 'database' },
      finished_at: expect.any(String),
    });
    expect(repository.pendingOutcomeCount).toBe(0);
    expect(await db.query(`SELECT id FROM ingestion_runs WHERE status = 'running'`)).toEqual([]);
    const [checkpoint] = await db.query<{ last_run_id: string }[]>(
      `SELECT cursor->>'last_run_id' AS last_run_id FROM etl_checkpoints WHERE source = 'coingecko'`,
    );
    expect(checkpoint.last_run_id).toBe(firstRunId);
    const prices = await db.query<{ symbol: string; price: string }[]>(
      `SELECT a.symbol, s.price FROM price_snapshots s JOIN assets a ON a.id = s.asset_id`,
    );
    expect(prices.every((p) => Number(p.price) !== Number(btcPrice) * 2)).toBe(true);
    const uncached = await timed(() => market.list({ limit: 3 }));
    expect(uncached.response.status).toBe(200);
  });
});
