import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { IngestionService } from '../src/ingestion/ingestion.service';
import { PriceBus, type PriceUpdated } from '../src/price-history/price-bus';
import { PriceSnapshotsRepository } from '../src/price-history/price-snapshots.repository';
import { clientsFor } from './support/clients';
import { startTestApp, type TestApp } from './support/test-app';

const HEADER = 'symbol,name,price_usd,market_cap,volume_24h,last_updated';

describe('Ingestion: CSV source, runs, stats (e2e)', () => {
  let dir: string;
  let csvPath: string;
  let sut: TestApp;

  const writeCsv = (...rows: string[]) => writeFileSync(csvPath, [HEADER, ...rows].join('\n'));
  const { api, market, ingestion } = clientsFor(() => sut.baseUrl);
  const ingest = () => sut.app.get(IngestionService).run('csv', 'manual');
  /** Runs `work` and returns what the price bus carried meanwhile. */
  const published = async (work: () => Promise<unknown>): Promise<PriceUpdated[]> => {
    const events: PriceUpdated[] = [];
    const subscription = sut.app.get(PriceBus).prices$.subscribe((e) => events.push(e));
    try {
      await work();
    } finally {
      subscription.unsubscribe();
    }
    return events;
  };
  const count = async (table: string) =>
    Number(
      (
        await sut.app.get(DataSource).query<{ n: string }[]>(`SELECT count(*) AS n FROM ${table}`)
      )[0].n,
    );

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cma-csv-'));
    csvPath = join(dir, 'prices.csv');
    sut = await startTestApp({ env: { CSV_IMPORT_PATH: csvPath, INGESTION_PROVIDERS: 'csv' } });
  });

  afterAll(async () => {
    await sut.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ingests a file end to end: assets, snapshots, latest prices, a recorded run', async () => {
    writeCsv(
      'BTC,Bitcoin,97000,1.9e12,4.5e10,2026-11-20T00:00:00Z',
      'ETH,Ethereum,3500,4.2e11,2e10,2026-11-20T00:00:00Z',
    );

    const run = await ingest();

    expect(run).toMatchObject({
      status: 'success',
      fetchedCount: 2,
      createdCount: 2,
      updatedCount: 0,
      skippedCount: 0,
    });
    const listing = await market.list();
    expect(listing.body.items.map((i) => [i.symbol, i.current_price, i.source])).toEqual([
      ['BTC', 97000, 'csv'],
      ['ETH', 3500, 'csv'],
    ]);
    expect((await market.price('ETH')).body).toMatchObject({
      price: 3500,
      source: 'csv',
    });
    expect((await market.history('BTC')).body.total).toBe(1);
    const recorded = await ingestion.run(run.id);
    expect(recorded.body).toMatchObject({
      id: run.id,
      source: 'csv',
      trigger: 'manual',
      status: 'success',
      created: 2,
    });
  });

  it('changes nothing when the same input is ingested again, and stores the payload once', async () => {
    const rawBefore = await count('raw_payloads');

    const run = await ingest();

    expect(run).toMatchObject({ status: 'success', createdCount: 0, updatedCount: 0 });
    expect(await count('raw_payloads')).toBe(rawBefore);
    expect(await count('price_snapshots')).toBe(2);
  });

  it('makes new prices visible at once, through the response cache', async () => {
    await market.list();
    const cached = await market.list();
    writeCsv(
      'BTC,Bitcoin,98000,1.95e12,4.6e10,2026-11-20T01:00:00Z',
      'ETH,Ethereum,3500,4.2e11,2e10,2026-11-20T00:00:00Z',
    );

    const run = await ingest();
    const fresh = await market.list();

    expect(cached.headers.get('x-cache')).toBe('HIT');
    expect(run).toMatchObject({ status: 'success', createdCount: 0, updatedCount: 1 });
    expect(fresh.headers.get('x-cache')).toBe('MISS');
    expect(fresh.body.items[0]).toMatchObject({ symbol: 'BTC', current_price: 98000 });
  });

  it('flags a price that jumps beyond the threshold: stored, reported, not served as current', async () => {
    writeCsv(
      'BTC,Bitcoin,300000,6e12,4.6e10,2026-11-20T02:00:00Z',
      'ETH,Ethereum,3500,4.2e11,2e10,2026-11-20T00:00:00Z',
    );

    let run!: Awaited<ReturnType<typeof ingest>>;
    const events = await published(async () => (run = await ingest()));

    expect(run).toMatchObject({ status: 'partial', anomalyCount: 1 });
    expect(events).toEqual([
      {
        symbol: 'ETH',
        price: 3500,
        change24h: null,
        volume24h: 2e10,
        timestamp: Date.parse('2026-11-20T00:00:00Z'),
        source: 'csv',
      },
    ]);
    expect(run.details.anomalies).toEqual([
      { symbol: 'BTC', reason: 'moved 206.1% from its previous price 98000' },
    ]);
    expect((await market.detail('BTC')).body.current_price).toBe(98000);
    expect((await market.price('BTC')).body.price).toBe(98000);
    const [flagged] = await sut.app
      .get(DataSource)
      .query<{ price: string; is_anomaly: boolean; anomaly_reason: string }[]>(
        `SELECT price, is_anomaly, anomaly_reason FROM price_snapshots WHERE price = 300000`,
      );
    expect(flagged).toMatchObject({
      is_anomaly: true,
      anomaly_reason: expect.stringContaining('206.1%'),
    });
  });

  it('rejects bad rows individually and records why (status partial)', async () => {
    writeCsv('SOL,Solana,210,1e11,5e9,', 'B-TC,Broken,1,,,', 'ADA,Cardano,abc,,,');

    const run = await ingest();
    const recorded = await ingestion.run(run.id);

    expect(recorded.body).toMatchObject({ status: 'partial', fetched: 3, created: 1, skipped: 2 });
    expect(recorded.body.details.rejected).toEqual([
      { at: 'line 3', reason: "symbol 'B-TC' is not 1–20 letters or digits" },
      { at: 'line 4', reason: "price_usd 'abc' is not a valid number ≥ 0" },
    ]);
  });

  it('writes nothing and keeps the checkpoint when a run fails half way', async () => {
    const [checkpointBefore] = await sut.app
      .get(DataSource)
      .query<{ cursor: unknown }[]>(`SELECT cursor FROM etl_checkpoints WHERE source = 'csv'`);
    writeCsv('DOT,Polkadot,7.8,1.2e10,4e8,');
    const snapshots = sut.app.get(PriceSnapshotsRepository);
    const failing = jest.spyOn(snapshots, 'insert').mockRejectedValueOnce(new Error('disk full'));

    let run!: Awaited<ReturnType<typeof ingest>>;
    const events = await published(async () => (run = await ingest()));
    failing.mockRestore();

    const [checkpointAfter] = await sut.app
      .get(DataSource)
      .query<{ cursor: unknown }[]>(`SELECT cursor FROM etl_checkpoints WHERE source = 'csv'`);
    expect(run).toMatchObject({ status: 'failed', error: 'disk full' });
    expect((await market.detail('DOT')).status).toBe(404);
    expect(checkpointAfter).toEqual(checkpointBefore);
    expect(events).toEqual([]);
  });

  it('records a missing or malformed file as a failed run', async () => {
    rmSync(csvPath);
    const missing = await ingest();
    writeFileSync(csvPath, 'symbol,title\nBTC,Bitcoin\n');
    const malformed = await ingest();

    expect(missing.status).toBe('failed');
    expect(missing.error).toContain('ENOENT');
    expect(malformed).toMatchObject({
      status: 'failed',
      error: 'CSV is missing required column(s): name, price_usd',
    });
  });

  it('lists runs newest first, filtered, and validates the filters', async () => {
    const all = await ingestion.runs({ limit: 50 });
    const failed = await ingestion.runs({ status: 'failed', source: 'csv' });

    expect(all.body.length).toBeGreaterThanOrEqual(8);
    expect(failed.body.map((r) => r.status)).toEqual(['failed', 'failed', 'failed']);
    expect((await ingestion.runs({ status: 'bogus' })).status).toBe(400);
    expect((await ingestion.run('not-a-uuid')).status).toBe(400);
    expect((await ingestion.run('00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('reports statistics per source, also at /stats', async () => {
    const stats = await ingestion.stats();
    const legacy = await api.get('/stats');

    expect(stats.body.raw_records).toBeGreaterThanOrEqual(4);
    expect(stats.body.normalized_records).toBe(
      (await count('assets')) + (await count('price_snapshots')),
    );
    expect(stats.body.sources).toEqual([
      expect.objectContaining({
        source: 'csv',
        status: 'failed',
        total_runs: expect.any(Number),
        successful_runs: 5,
        failed_runs: 3,
        last_success: expect.any(String),
        last_failure: expect.any(String),
        average_duration_ms: expect.any(Number),
      }),
    ]);
    expect(legacy.body).toEqual(stats.body);
  });
});

describe('Ingestion on startup (e2e)', () => {
  it('syncs the bundled CSV in the background: ready first, data shortly after', async () => {
    const sut = await startTestApp({
      env: { SYNC_ON_STARTUP: 'true', INGESTION_PROVIDERS: 'csv' },
    });
    try {
      const { health, ingestion, market } = clientsFor(sut.baseUrl);
      expect((await health.ready()).status).toBe(200);
      let total = 0;
      for (let i = 0; i < 100 && total < 20; i++) {
        await new Promise((r) => setTimeout(r, 100));
        const runs = (await ingestion.runs()).body;
        if (runs[0]?.status === 'success') total = (await market.list()).body.total;
      }

      expect(total).toBeGreaterThanOrEqual(20);
    } finally {
      await sut.close();
    }
  });
});
