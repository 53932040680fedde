// npm run bench:write — the candle write path of ingestion (CandlesRepository.upsert: UNNEST
// upsert + roll-up refresh, in the 5,000-row transactions of the kline catch-up) against raw
// `COPY candles FROM STDIN` of the same rows into the same table, in the same run, on real
// PostgreSQL; `-- --embedded` adds the same upsert on the embedded database (PGlite).
// Every run starts from empty candle tables; `npm run bench` imports `measureWrites`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { EmbeddedPostgres } from '../src/database/embedded-postgres';
import type { CandleWrite, Decimal } from '../src/price-history/candles.repository';
import {
  createBenchDatabase,
  fmt,
  machine,
  range,
  serviceEnv,
  summarise,
  table,
  type Summary,
} from './support/harness';
import { minuteCandles, openSeeder, syntheticAssets, type Seeder } from './support/seed';

/** KlineSyncService's ROWS_PER_TRANSACTION: how ingestion batches its candle writes. */
const ROWS_PER_TRANSACTION = 5_000;
const ASSETS = 10;

export interface WriteOptions {
  rows: number;
  runs: number;
  /** Also run the upsert on the embedded database. */
  embedded: boolean;
}

export interface WriteResults {
  rows: number;
  /** rows/s of each, one value per run. */
  upsert: Summary;
  copy: Summary;
  embeddedUpsert?: Summary;
}

/** The same random walk for every run and both paths: ASSETS assets, rows/ASSETS minutes each. */
function candleRows(ids: number[], rows: number): CandleWrite[] {
  const perAsset = Math.ceil(rows / ids.length);
  const end = Date.now();
  return ids.flatMap((id) => [...minuteCandles(id, perAsset, end, perAsset)].flat());
}

async function emptyCandles(seeder: Seeder): Promise<void> {
  await seeder.dataSource.query('TRUNCATE candles, candle_rollups');
}

async function countCandles(seeder: Seeder): Promise<number> {
  const [{ count }] = await seeder.dataSource.query<{ count: string }[]>(
    'SELECT count(*) AS count FROM candles',
  );
  return Number(count);
}

/** rows/s through the repository, in ingestion's transaction size. */
async function timeUpsert(seeder: Seeder, rows: CandleWrite[]): Promise<number> {
  await emptyCandles(seeder);
  const started = performance.now();
  for (let offset = 0; offset < rows.length; offset += ROWS_PER_TRANSACTION) {
    await seeder.candles.upsert(rows.slice(offset, offset + ROWS_PER_TRANSACTION));
  }
  const seconds = (performance.now() - started) / 1_000;
  const written = await countCandles(seeder);
  if (written !== rows.length) throw new Error(`upsert wrote ${written} of ${rows.length} rows`);
  return rows.length / seconds;
}

const copyValue = (value: Decimal | null | undefined): string =>
  value === null || value === undefined ? '\\N' : String(value);

/** What the upsert derives in SQL: quote volume / volume. */
const vwapOf = (r: CandleWrite): number | null =>
  r.quoteVolume !== null && r.quoteVolume !== undefined && Number(r.volume) > 0
    ? Number(r.quoteVolume) / Number(r.volume)
    : null;

/** Text-format COPY lines, serialised while streaming (the serialising counts, as it does for the upsert). */
function* copyChunks(rows: CandleWrite[]): Generator<string> {
  for (let offset = 0; offset < rows.length; offset += ROWS_PER_TRANSACTION) {
    let chunk = '';
    for (const r of rows.slice(offset, offset + ROWS_PER_TRANSACTION)) {
      chunk +=
        `${r.assetId}\t${r.openTime.toISOString()}\t${r.source}\t${r.open}\t${r.high}\t${r.low}\t` +
        `${r.close}\t${r.volume}\t${copyValue(r.quoteVolume)}\t${r.tradeCount ?? 0}\t` +
        `${copyValue(vwapOf(r))}\t${r.isClosed === false ? 'f' : 't'}\n`;
    }
    yield chunk;
  }
}

/** rows/s of one COPY of all rows, on its own connection. */
async function timeCopy(seeder: Seeder, url: string, rows: CandleWrite[]): Promise<number> {
  await emptyCandles(seeder);
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const started = performance.now();
    await pipeline(
      Readable.from(copyChunks(rows)),
      client.query(
        copyFrom(
          'COPY candles (asset_id, open_time, source, open, high, low, close, volume, quote_volume, trade_count, vwap, is_closed) FROM STDIN',
        ),
      ),
    );
    const seconds = (performance.now() - started) / 1_000;
    const written = await countCandles(seeder);
    if (written !== rows.length) throw new Error(`COPY wrote ${written} of ${rows.length} rows`);
    return rows.length / seconds;
  } finally {
    await client.end();
  }
}

async function embeddedUpserts(options: WriteOptions): Promise<Summary> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cma-bench-pglite-'));
  const embedded = await EmbeddedPostgres.start(dataDir);
  try {
    const seeder = await openSeeder(serviceEnv(), embedded.url);
    try {
      const { ids } = await seeder.assets.upsert(syntheticAssets(ASSETS));
      const rows = candleRows([...ids.values()], options.rows);
      const rates: number[] = [];
      for (let run = 0; run < options.runs; run++) rates.push(await timeUpsert(seeder, rows));
      return summarise(rates);
    } finally {
      await seeder.close();
    }
  } finally {
    await embedded.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function measureWrites(options: WriteOptions): Promise<WriteResults> {
  const database = await createBenchDatabase();
  const seeder = await openSeeder(serviceEnv(database));
  try {
    const { ids } = await seeder.assets.upsert(syntheticAssets(ASSETS));
    const rows = candleRows([...ids.values()], options.rows);
    // One discarded run of each warms the JIT, the buffer cache and the table's files.
    await timeUpsert(seeder, rows.slice(0, ROWS_PER_TRANSACTION * 2));
    await timeCopy(seeder, database.url, rows.slice(0, ROWS_PER_TRANSACTION * 2));
    const upsert: number[] = [];
    const copy: number[] = [];
    for (let run = 0; run < options.runs; run++) {
      upsert.push(await timeUpsert(seeder, rows));
      copy.push(await timeCopy(seeder, database.url, rows));
      process.stderr.write(
        `write run ${run + 1}: upsert ${fmt(upsert[run])} rows/s, COPY ${fmt(copy[run])} rows/s\n`,
      );
    }
    return {
      rows: rows.length,
      upsert: summarise(upsert),
      copy: summarise(copy),
      embeddedUpsert: options.embedded ? await embeddedUpserts(options) : undefined,
    };
  } finally {
    await seeder.close();
    await database.drop();
  }
}

async function main(): Promise<void> {
  const options: WriteOptions = {
    rows: Number(process.env.BENCH_ROWS ?? 200_000),
    runs: Number(process.env.BENCH_RUNS ?? 5),
    embedded: process.argv.includes('--embedded'),
  };
  const results = await measureWrites(options);
  console.log(`\n### bench:write — ${new Date().toISOString()} — ${machine()}`);
  console.log(
    `\n${fmt(results.rows)} 1-minute candles (${ASSETS} assets) into empty tables, ${options.runs} runs (median, min–max)\n`,
  );
  const ratio = results.upsert.median / results.copy.median;
  console.log(
    table(
      ['path', 'rows/s', 'vs COPY'],
      [
        ['COPY candles FROM STDIN (reference)', range(results.copy), '1.00'],
        [
          `CandlesRepository.upsert, ${fmt(ROWS_PER_TRANSACTION)} rows a transaction`,
          range(results.upsert),
          `${fmt(ratio, 2)} (target ≥ 0.50) ${ratio >= 0.5 ? 'PASS' : 'MISS'}`,
        ],
        ...(results.embeddedUpsert
          ? [
              [
                'the same upsert on the embedded database (PGlite)',
                range(results.embeddedUpsert),
                fmt(results.embeddedUpsert.median / results.copy.median, 2),
              ],
            ]
          : []),
      ],
    ),
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
