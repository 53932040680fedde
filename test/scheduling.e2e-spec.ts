import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { IngestionScheduler } from '../src/ingestion/ingestion.scheduler';
import { clientsFor } from './support/clients';
import { FakeProviderServer } from './support/fake-provider-server';
import { MarketSeeder, anAsset, minuteCandles } from './support/market-fixtures';
import { startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, serverDatabaseUrl } from './support/test-database';

const MARKETS = JSON.parse(
  readFileSync(join(__dirname, 'fixtures', 'providers', 'coingecko-markets.json'), 'utf8'),
) as unknown[];
const FIVE_MINUTES = 300_000;
const slotOf = (time: number) => Math.floor(time / FIVE_MINUTES);

describe('Scheduled ingestion, retention and freshness (e2e)', () => {
  const provider = new FakeProviderServer();
  let env: Record<string, string>;

  beforeAll(async () => {
    const baseUrl = await provider.start();
    provider.script({ status: 200, body: MARKETS.slice(0, 2) });
    env = {
      INGESTION_SCHEDULE: 'true',
      INGESTION_PROVIDERS: 'coingecko,csv',
      COINGECKO_BASE_URL: `${baseUrl}/api/v3`,
      INGESTION_STALE_AFTER_SECONDS: '60',
      RETENTION_DAYS: '30',
    };
  });

  afterAll(async () => {
    await provider.stop();
  });

  const scheduledRuns = (app: TestApp, job: string) =>
    app.app
      .get(DataSource)
      .query<{ source: string }[]>(`SELECT source FROM ingestion_runs WHERE details->>'job' = $1`, [
        job,
      ]);

  it('runs a job once per slot, however often its cron fires, and never the CSV import', async () => {
    const sut = await startTestApp({ env });
    try {
      const scheduler = sut.app.get(IngestionScheduler);
      const firstSlot = slotOf(Date.now());

      await Promise.all([scheduler.syncTop50(), scheduler.syncTop50()]);
      await scheduler.syncTop50();
      const slots = new Set([firstSlot, slotOf(Date.now())]).size;

      expect(await scheduledRuns(sut, 'top-50')).toEqual(
        Array.from({ length: slots }, () => ({ source: 'coingecko' })),
      );
      expect(new URL(provider.requests[0].url, 'http://x').searchParams.get('per_page')).toBe('50');
    } finally {
      await sut.close();
    }
  });

  (serverDatabaseUrl ? it : it.skip)(
    'runs a job once across two instances on one database (server mode)',
    async () => {
      const database = await createTestDatabase();
      const [a, b] = [await startTestApp({ env, database }), await startTestApp({ env, database })];
      try {
        const firstSlot = slotOf(Date.now());

        await Promise.all([
          a.app.get(IngestionScheduler).syncTop200(),
          b.app.get(IngestionScheduler).syncTop200(),
        ]);

        const slots = new Set([firstSlot, slotOf(Date.now())]).size;
        expect((await scheduledRuns(a, 'top-200')).length).toBeLessThanOrEqual(slots);
        expect((await scheduledRuns(a, 'top-200')).length).toBe(1);
      } finally {
        await a.close();
        await b.close();
        await database.drop();
      }
    },
  );

  it('deletes snapshots and 1-minute candles older than RETENTION_DAYS, and keeps the rest', async () => {
    const sut = await startTestApp({ env });
    try {
      const seed = new MarketSeeder(sut.app);
      const ids = await seed.assets([anAsset({ symbol: 'OLD' })]);
      const id = ids.get('OLD')!;
      const old = new Date(Date.now() - 40 * 86_400_000);
      const recent = new Date(Date.now() - 86_400_000);
      await seed.snapshots([
        { assetId: id, timestamp: old, source: 'csv', price: 1 },
        { assetId: id, timestamp: recent, source: 'csv', price: 2 },
      ]);
      await seed.candles([...minuteCandles(id, old, 3), ...minuteCandles(id, recent, 2)]);

      await sut.app.get(IngestionScheduler).retention();

      const dataSource = sut.app.get(DataSource);
      const [{ n: snapshots }] = await dataSource.query<{ n: string }[]>(
        'SELECT count(*) AS n FROM price_snapshots',
      );
      const [{ n: candles }] = await dataSource.query<{ n: string }[]>(
        'SELECT count(*) AS n FROM candles',
      );
      expect([Number(snapshots), Number(candles)]).toEqual([1, 2]);
    } finally {
      await sut.close();
    }
  });

  it('reports each scheduled source as pending, fresh or stale, and turns /health degraded when stale', async () => {
    const sut = await startTestApp({ env });
    try {
      /** The report, with its per-source freshness (listed whenever ingestion is scheduled). */
      const health = async () => {
        const { body } = await clientsFor(sut.baseUrl).health.report();
        const { sources } = body.ingestion;
        if (!sources)
          throw new Error(`/health lists no ingestion sources: ${JSON.stringify(body)}`);
        return { ...body, ingestion: { ...body.ingestion, sources } };
      };
      const record = (finishedAgoMs: number) =>
        sut.app.get(DataSource).query(
          `INSERT INTO ingestion_runs (source, trigger, status, started_at, finished_at)
           VALUES ('coingecko', 'schedule', 'success', $1, $1)`,
          [new Date(Date.now() - finishedAgoMs)],
        );

      const pending = await health();
      await record(2 * 3_600_000);
      const stale = await health();
      await record(10_000);
      const fresh = await health();

      expect(pending).toMatchObject({
        status: 'ok',
        ingestion: { sources: { coingecko: { status: 'pending' } } },
      });
      expect(Object.keys(pending.ingestion.sources)).toEqual(['coingecko']);
      expect(stale).toMatchObject({
        status: 'degraded',
        ingestion: { status: 'degraded', sources: { coingecko: { status: 'stale' } } },
      });
      expect(stale.ingestion.sources.coingecko.age_seconds).toBeGreaterThanOrEqual(7_200);
      expect(fresh).toMatchObject({
        status: 'ok',
        ingestion: { sources: { coingecko: { status: 'fresh' } } },
      });
    } finally {
      await sut.close();
    }
  });
});
