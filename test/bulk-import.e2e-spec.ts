// A bulk import (a CSV of 40,000 rows, 1.1 MB) is stored whole, chunk by chunk, without flooding live
// subscribers: no price events, no real-time sequence counters, the whole cache made stale
// at once, and the file kept as received (gzipped, being over 1 MiB). How responsive the
// service stays meanwhile is measured by `npm run bench:import`, not here.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DataSource } from 'typeorm';
import { IngestionService } from '../src/ingestion/ingestion.service';
import { PriceBus } from '../src/price-history/price-bus';
import { clientsFor } from './support/clients';
import { startTestApp, type TestApp } from './support/test-app';

const ROWS = 40_000;

describe('Bulk CSV import (e2e)', () => {
  let sut: TestApp;
  const { market } = clientsFor(() => sut.baseUrl);
  let dir: string;
  let csv: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cma-bulk-'));
    const path = join(dir, 'bulk.csv');
    const lines = ['symbol,name,price_usd,market_cap,rank'];
    for (let i = 0; i < ROWS; i++)
      lines.push(`BULK${i},Bulk ${i},${1 + i / 100},${1e6 + i},${i + 1}`);
    csv = `${lines.join('\n')}\n`;
    writeFileSync(path, csv);
    sut = await startTestApp({
      env: { INGESTION_PROVIDERS: 'csv', CSV_IMPORT_PATH: path },
    });
  });

  afterAll(async () => {
    await sut?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores every row, streams none of them, and keeps the file as received', async () => {
    const published: unknown[] = [];
    const subscription = sut.app.get(PriceBus).prices$.subscribe((p) => published.push(p));
    const listedBefore = await market.list({ limit: 1 });
    expect(listedBefore.status).toBe(200);

    const run = await sut.app.get(IngestionService).run('csv', 'manual');
    subscription.unsubscribe();

    expect(run).toMatchObject({ status: 'success', createdCount: ROWS, skippedCount: 0 });
    expect(published).toEqual([]);
    const db = sut.app.get(DataSource);
    const [{ count }] = await db.query<{ count: string }[]>(
      `SELECT count(*) FROM price_snapshots s JOIN assets a ON a.id = s.asset_id WHERE a.symbol LIKE 'BULK%'`,
    );
    expect(Number(count)).toBe(ROWS);
    // The cached listing was made stale: the new assets show at once.
    const listed = (await market.list({ limit: 1 })).body;
    expect(listed.total).toBeGreaterThanOrEqual(ROWS);
    const [raw] = await db.query<{ gzip: Buffer | null; json: unknown; text: string | null }[]>(
      `SELECT payload_gzip AS gzip, payload AS json, payload_text AS text FROM raw_payloads WHERE run_id = $1`,
      [run.id],
    );
    expect(raw.json).toBeNull();
    expect(raw.text).toBeNull();
    expect(gunzipSync(raw.gzip!).toString('utf8')).toBe(csv);
  });
});
