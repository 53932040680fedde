// The bundled daily history, imported by the built service on its first start: killed with
// SIGKILL in the middle, restarted on the same data, it completes what was missing and ends
// with the same rows as an uninterrupted import; a later start imports nothing, and a changed
// file only that file.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { type AppProcess, ready, spawnApp } from './support/app-process';
import { clientsFor } from './support/clients';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { waitFor } from './support/wait-for';

const BUNDLE = join(__dirname, '..', 'data', 'history');
/** Copies of BTC's file under test symbols: enough work (≈ 76,000 rows) to be killed midway. */
const COPIES = Array.from({ length: 20 }, (_, i) => `X${String(i + 1).padStart(2, '0')}`);
const BTC_ROWS = gunzipSync(readFileSync(join(BUNDLE, 'BTC.csv.gz')))
  .toString('utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split(','));

describe('Bundled history import (process e2e)', () => {
  let bundleDir: string;
  let dataDir: string;
  let database: TestDatabase;
  let env: Record<string, string>;
  const started: AppProcess[] = [];

  const start = async () => {
    const app = spawnApp(env);
    started.push(app);
    return { app, baseUrl: await ready(app) };
  };
  const stop = async (app: AppProcess) => {
    app.child.kill('SIGTERM');
    await app.exited;
  };
  const bundledRuns = async (baseUrl: string) =>
    (await clientsFor(baseUrl).ingestion.runs({ source: 'bundled', limit: 100 })).body;
  const finished = (app: AppProcess) =>
    waitFor(
      () => /bundled history: \d+ files, [\d,]+ daily candles in/.test(app.output()),
      'the bundled import to finish',
      60_000,
      100,
    );

  beforeAll(async () => {
    bundleDir = mkdtempSync(join(tmpdir(), 'cma-bundle-'));
    dataDir = mkdtempSync(join(tmpdir(), 'cma-bundle-data-'));
    for (const symbol of COPIES) {
      copyFileSync(join(BUNDLE, 'BTC.csv.gz'), join(bundleDir, `${symbol}.csv.gz`));
    }
    database = await createTestDatabase();
    env = {
      ...(database.url ? { DATABASE_URL: database.url } : { PGLITE_DATA_DIR: dataDir }),
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info', // spawnApp reads the "ready at" line
      SYNC_ON_STARTUP: 'true',
      INGESTION_PROVIDERS: 'csv',
      HISTORY_BUNDLE_IMPORT: 'true',
      HISTORY_BUNDLE_DIR: bundleDir,
    };
  });

  afterEach(async () => {
    for (const app of started.splice(0)) {
      if (app.child.exitCode === null && app.child.signalCode === null) await stop(app);
    }
  });

  afterAll(async () => {
    await database.drop();
    rmSync(bundleDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('completes after kill -9 midway with the rows of an uninterrupted import, each file once', async () => {
    // The import is quick (≈ 1.5 s on PostgreSQL): kill at the first file's line, from the
    // output listener itself, so the kill lands while later files are still pending.
    const first = spawnApp({ ...env, LOG_LEVEL: 'debug' });
    started.push(first);
    first.child.stdout?.on('data', () => {
      if (/bundled history: X\d\d\.csv\.gz imported/.test(first.output())) {
        first.child.kill('SIGKILL');
      }
    });
    await first.exited;
    expect(first.child.signalCode).toBe('SIGKILL');

    const second = await start();
    await finished(second.app);
    const resumed = /importing (\d+) of 20 files/.exec(second.app.output());
    expect(Number(resumed?.[1])).toBeGreaterThan(0);
    expect(Number(resumed?.[1])).toBeLessThan(20);

    // Every row was created exactly once by a run that committed, over both processes.
    const runs = await bundledRuns(second.baseUrl);
    const succeeded = runs.filter((r) => r.status === 'success');
    expect(succeeded.map((r) => r.details.file).sort()).toEqual(COPIES.map((s) => `${s}.csv.gz`));
    expect(succeeded.reduce((sum, r) => sum + r.created, 0)).toBe(COPIES.length * BTC_ROWS.length);

    // Each copy reads back as the file: same days, first open, last close, source bundled.
    const end = `${BTC_ROWS.at(-1)![0]}T00:00:00Z`;
    const series = await Promise.all(
      COPIES.map(async (symbol) => {
        const query = { timeframe: '1w', limit: 1000, end };
        return (await clientsFor(second.baseUrl).market.ohlc(symbol, query)).body.ohlc;
      }),
    );
    const weeks = new Set(
      BTC_ROWS.map(([date]) => {
        const day = Date.parse(`${date}T00:00:00Z`);
        return Math.floor((day - Date.UTC(2000, 0, 3)) / (7 * 86_400_000));
      }),
    ).size;
    for (const candles of series) {
      expect(candles).toEqual(series[0]);
      expect(candles).toHaveLength(weeks);
    }
    expect(series[0][0]).toMatchObject({ open: Number(BTC_ROWS[0][1]), source: 'bundled' });
    expect(series[0].at(-1)!.close).toBe(Number(BTC_ROWS.at(-1)![4]));
    await stop(second.app);

    // A later start imports nothing; a changed file is imported again, alone.
    const edited = BTC_ROWS.map((row, i) =>
      i === BTC_ROWS.length - 1 ? [row[0], row[1], row[2], row[3], row[2], row[5]] : row,
    );
    const third = await start();
    await waitFor(async () => (await bundledRuns(third.baseUrl)).length > 0, 'the runs');
    await new Promise((r) => setTimeout(r, 1_000));
    expect(third.app.output()).not.toMatch(/bundled history: importing/);
    await stop(third.app);

    writeFileSync(
      join(bundleDir, 'X07.csv.gz'),
      gzipSync(['Date,Open,High,Low,Close,Volume', ...edited.map((r) => r.join(','))].join('\n')),
    );
    const fourth = await start();
    await finished(fourth.app);
    expect(fourth.app.output()).toMatch(/importing 1 of 20 files/);
    const [latest] = await bundledRuns(fourth.baseUrl);
    expect(latest).toMatchObject({
      status: 'success',
      created: 0,
      details: { file: 'X07.csv.gz' },
    });
    const query = { timeframe: '1d', limit: 1, end };
    const week = (await clientsFor(fourth.baseUrl).market.ohlc('X07', query)).body;
    expect(week.ohlc[0].close).toBe(Number(BTC_ROWS.at(-1)![2]));
  }, 180_000);
});
