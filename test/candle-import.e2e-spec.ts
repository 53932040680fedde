// Importing candle files: over the admin sync path (the file as the body) and with the CLI
// (`npm run import:candles`, the built script), both with a run record, bad rows rejected by
// line and nothing half written.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { clientsFor, type Problem, type Query } from './support/clients';
import { startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';

const ADMIN_KEY = 'candle-import-admin-key-0123456789';
const CLI = join(__dirname, '..', 'dist', 'src', 'ingestion', 'history', 'import-candles.cli.js');
const YAHOO = [
  'Date,Close,High,Low,Open,Volume',
  '2024-01-01,101,105,99,100,1000',
  '2024-01-02,102,106,100,101,1100',
  '2024-01-03,oops,106,100,101,1100',
  '2024-01-04,104,108,102,103,1300',
].join('\n');
/** Two hourly Binance klines (times in µs, as data.binance.vision publishes since 2025). */
const BINANCE = [
  '1704067200000000,42000.1,42100,41900,42050.5,12.5,1704070799999999,525000,900,6,250000,0',
  '1704070800000000,42050.5,42200,42000,42150,10,1704074399999999,421000,800,5,210000,0',
].join('\n');

describe('Candle file imports (e2e)', () => {
  let sut: TestApp;

  const { ingestion, market, sentiment } = clientsFor(() => sut.baseUrl);
  const upload = (body: string | Buffer, query: Query, type = 'text/csv', key = ADMIN_KEY) =>
    ingestion.importCandles(body, query, { 'content-type': type, 'X-API-Key': key });
  const ohlc = async (symbol: string, query: Query) => (await market.ohlc(symbol, query)).body;

  beforeAll(async () => {
    sut = await startTestApp({ env: { ADMIN_API_KEY: ADMIN_KEY } });
  });

  afterAll(async () => {
    await sut.close();
  });

  it('imports a Yahoo-style CSV, rejecting its bad row by line, and records the run', async () => {
    const response = await upload(YAHOO, { symbol: 'pepe', volume: 'quote' });
    expect(response.status).toBe(200);
    const result = response.body;
    expect(result).toMatchObject({
      status: 'partial',
      symbol: 'PEPE',
      source: 'yahoo',
      layout: 'yahoo',
      timeframe: '1d',
      first: '2024-01-01T00:00:00.000Z',
      last: '2024-01-04T00:00:00.000Z',
      created_count: 3,
      rejected_count: 1,
      rejected: [{ at: 'line 4', reason: "close 'oops' is not a number" }],
    });

    const candles = await ohlc('PEPE', { timeframe: '1d', start: '2024-01-01', limit: 4 });
    expect(candles.ohlc.map((c) => [c.close, c.source])).toEqual([
      [101, 'yahoo'],
      [102, 'yahoo'],
      [104, 'yahoo'],
    ]);
    const runs = (await ingestion.runs({ source: 'yahoo' })).body;
    expect(runs[0]).toMatchObject({ id: result.run_id, status: 'partial' });

    // Again: the same rows, nothing created or changed.
    const again = (await upload(YAHOO, { symbol: 'PEPE', volume: 'quote' })).body;
    expect(again).toMatchObject({ created_count: 0, updated_count: 0 });
  });

  it('takes a gzipped Binance kline file as hourly candles of its own source', async () => {
    const response = await upload(
      gzipSync(BINANCE),
      { symbol: 'BTC', source: 'binance-archive' },
      'application/gzip',
    );
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      layout: 'binance',
      timeframe: '1h',
      source: 'binance-archive',
      created_count: 2,
    });
    const candles = await ohlc('BTC', { timeframe: '1h', start: '2024-01-01T00:00:00Z', limit: 2 });
    expect(candles.ohlc.map((c) => [c.close, c.source])).toEqual([
      [42050.5, 'binance-archive'],
      [42150, 'binance-archive'],
    ]);
  });

  it('refuses a file it cannot read, an empty body, bad parameters, other media types and non-admins', async () => {
    const unreadable = await upload('Date,Price\n2024-01-01,1\n', { symbol: 'BTC' });
    expect(unreadable.status).toBe(400);
    const problem = unreadable.body as unknown as Problem;
    expect(problem.detail).toMatch(/names no open, high, low, close column/);
    expect(problem.run_id).toEqual(expect.any(String));

    expect((await upload('', { symbol: 'BTC' })).status).toBe(400);
    expect((await upload(YAHOO, { symbol: 'not-a-symbol' })).status).toBe(400);
    expect((await upload(YAHOO, { symbol: 'BTC', volume: 'lots' })).status).toBe(400);
    expect((await upload(YAHOO, { symbol: 'BTC' }, 'text/plain')).status).toBe(415);
    expect((await upload(YAHOO, { symbol: 'BTC' }, 'text/csv', 'wrong-key')).status).toBe(401);
    // A CSV body anywhere else is still refused as before.
    const elsewhere = await sentiment.analyze('text\nbullish', {
      headers: { 'content-type': 'text/csv' },
    });
    expect(elsewhere.status).toBe(415);
  });
});

describe('npm run import:candles (process e2e)', () => {
  let database: TestDatabase;
  let dir: string;
  let env: Record<string, string>;
  const cli = (...args: string[]) =>
    promisify(execFile)(process.execPath, [CLI, ...args], { env, timeout: 60_000 }).then(
      ({ stdout }) => ({ code: 0, out: stdout }),
      (error: { code: number; stdout: string; stderr: string }) => ({
        code: error.code,
        out: error.stdout + error.stderr,
      }),
    );

  beforeAll(async () => {
    database = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'cma-import-cli-'));
    env = {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      ...(database.url ? { DATABASE_URL: database.url } : { PGLITE_DATA_DIR: join(dir, 'pg') }),
    };
  });

  afterAll(async () => {
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports a file, names the symbol from the file name, and lists the rejected rows', async () => {
    writeFileSync(join(dir, 'ETH-USD_1d.csv'), YAHOO);
    const first = await cli(join(dir, 'ETH-USD_1d.csv'));
    expect(first.code).toBe(0);
    expect(first.out).toMatch(
      /partial: ETH 1d candles \(yahoo layout, source yahoo\) 2024-01-01T00:00:00\.000Z … 2024-01-04T00:00:00\.000Z: 3 created, 0 updated, 1 rejected/,
    );
    expect(first.out).toContain("line 4: close 'oops' is not a number");

    writeFileSync(join(dir, 'prices.json'), '{"prices": 3}');
    const refused = await cli(join(dir, 'prices.json'), '--symbol', 'ETH');
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/failed: .*prices\.json: JSON must be a list/);

    const usage = await cli(join(dir, 'prices.json'), '--source', 'Not Valid');
    expect(usage.code).toBe(1);
  });
});
