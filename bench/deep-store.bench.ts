// npm run bench:deep — a realistic deep store: BENCH_ASSETS assets (250) × (daily candles
// since 2017-01-01, hourly for 2 years, 1-minute for 30 days), seeded through the real write
// path (CandlesRepository.upsertDirect / upsert, roll-ups maintained); then its rows and
// bytes, uncached OHLC of 1,000 candles over HTTP at 1d, 1w, 1h and 1m, and retention of a
// month of 1-minute data (partitions dropped) and of a day (the boundary month's DELETE).
// PostgreSQL server mode on a throwaway database.
import { performance } from 'node:perf_hooks';
import { TimePartitions } from '../src/database/time-partitions';
import { IngestionRepository } from '../src/ingestion/ingestion.repository';
import { IngestionRunEntity } from '../src/ingestion/entities/ingestion-run.entity';
import type { CandleWrite } from '../src/price-history/candles.repository';
import {
  createBenchDatabase,
  fmt,
  machine,
  percentile,
  serviceEnv,
  startServer,
  table,
} from './support/harness';
import { minuteCandles, openSeeder, syntheticAssets, type Seeder } from './support/seed';

const ASSETS = Number(process.env.BENCH_ASSETS ?? 250);
const WRITERS = Number(process.env.BENCH_WRITERS ?? 2);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 30);
/** BENCH_KEEP=1: keep the seeded database (and skip retention) to profile reads against it. */
const KEEP = process.env.BENCH_KEEP === '1';
const BATCH = 50_000;
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const OLDEST_DAY = Date.UTC(2017, 0, 1);

interface Tier {
  name: string;
  width: number;
  count: number;
  write: (seeder: Seeder, rows: CandleWrite[]) => Promise<unknown>;
}

const TIERS = (now: number): Tier[] => [
  {
    name: 'daily since 2017 (upsertDirect 1d)',
    width: DAY,
    count: Math.floor((now - OLDEST_DAY) / DAY),
    write: (s, rows) => s.candles.upsertDirect('1d', rows),
  },
  {
    name: 'hourly, 2 years (upsertDirect 1h)',
    width: HOUR,
    count: 2 * 365 * 24,
    write: (s, rows) => s.candles.upsertDirect('1h', rows),
  },
  {
    name: '1-minute, 30 days (upsert)',
    width: MINUTE,
    count: 30 * 1_440,
    write: (s, rows) => s.candles.upsert(rows),
  },
];

/** Seeds one tier for every asset, WRITERS assets at a time; returns rows and seconds. */
async function seedTier(seeder: Seeder, ids: number[], tier: Tier, now: number) {
  const queue = [...ids];
  let rows = 0;
  const started = performance.now();
  const writer = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      for (const batch of minuteCandles(id, tier.count, now, BATCH, tier.width)) {
        await tier.write(seeder, batch);
        rows += batch.length;
      }
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, writer));
  const seconds = (performance.now() - started) / 1_000;
  process.stderr.write(`${tier.name}: ${fmt(rows)} rows in ${fmt(seconds, 1)} s\n`);
  return { rows, seconds };
}

/** Rows (exact) and bytes (table + indexes, partitions summed) of the candle tables. */
async function storeSize(seeder: Seeder) {
  return seeder.dataSource.query<{ table: string; rows: string; bytes: string; index: string }[]>(
    `SELECT t AS table,
            (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I', t), false, true, '')))[1]::text AS rows,
            sum(pg_total_relation_size(r))::text AS bytes, sum(pg_indexes_size(r))::text AS index
     FROM unnest(ARRAY['candles', 'candle_rollups', 'price_snapshots']) AS t
     CROSS JOIN LATERAL (SELECT t::regclass AS r
                         UNION ALL SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = t::regclass) AS rels
     GROUP BY t ORDER BY t`,
  );
}

/** Sorted times of REQUESTS cache-missing requests, and how many candles the last one had. */
async function timeRequests(base: string, query: string, now: number) {
  const times: number[] = [];
  let candles = 0;
  // A different `end` per request defeats the response cache: every request is a miss.
  const get = async (i: number) => {
    const response = await fetch(
      `${base}/api/v1/cryptocurrencies/C1/ohlc?${query}&end=${now - i * 1_000}`,
    );
    const body = (await response.json()) as { ohlc?: unknown[] };
    if (!response.ok) throw new Error(`${query}: ${response.status} ${JSON.stringify(body)}`);
    candles = body.ohlc?.length ?? 0;
  };
  for (let i = 0; i < 3; i++) await get(REQUESTS + i); // warm-up
  for (let i = 0; i < REQUESTS; i++) {
    const started = performance.now();
    await get(i);
    times.push(performance.now() - started);
  }
  return { times: times.sort((a, b) => a - b), candles };
}

const httpTable = (rows: string[][]): string =>
  table(
    [`uncached OHLC over HTTP (${REQUESTS} requests)`, 'candles', 'ms median', 'ms p95', 'target'],
    rows,
  );

async function main(): Promise<void> {
  const database = await createBenchDatabase();
  const env = serviceEnv(database);
  const seeder = await openSeeder(env);
  try {
    const { ids } = await seeder.assets.upsert(syntheticAssets(ASSETS));
    const now = Date.now();
    const seeded: string[][] = [];
    let total = 0;
    for (const tier of TIERS(now)) {
      const { rows, seconds } = await seedTier(seeder, [...ids.values()], tier, now);
      total += rows;
      seeded.push([tier.name, fmt(rows), fmt(seconds, 1), fmt(rows / seconds)]);
    }
    // What autovacuum would have done by the time anyone reads a store this size.
    await seeder.dataSource.query('VACUUM ANALYZE');
    const sizes = await storeSize(seeder);

    const service = await startServer(env);
    const http: string[][] = [];
    for (const [timeframe, span] of [
      ['1d', 'about 3 years'],
      ['1w', 'all history'],
      ['1h', 'about 6 weeks'],
      ['1m', 'about 17 hours'],
    ]) {
      const { times, candles } = await timeRequests(
        service.url,
        `timeframe=${timeframe}&limit=1000`,
        now,
      );
      const median = percentile(times, 50);
      http.push([
        `/ohlc?timeframe=${timeframe}&limit=1000 (${span})`,
        fmt(candles),
        fmt(median, 1),
        fmt(percentile(times, 95), 1),
        median < 50 ? 'PASS (< 50)' : 'MISS (< 50)',
      ]);
    }
    await service.stop();

    if (KEEP) {
      console.log(httpTable(http));
      console.log(`kept ${database.url}`);
      return;
    }
    const partitions = new TimePartitions(seeder.dataSource);
    const retention = new IngestionRepository(
      seeder.dataSource.getRepository(IngestionRunEntity),
      seeder.dataSource,
      partitions,
    );
    const monthStart = new Date(new Date(now).setUTCDate(1)).setUTCHours(0, 0, 0, 0);
    const retained: string[][] = [];
    for (const [name, cutoff] of [
      ['a month of 1-minute data (partitions dropped)', monthStart],
      ['a day of 1-minute data (boundary month, DELETE)', Math.min(monthStart + DAY, now - HOUR)],
    ] as const) {
      const before = (await partitions.list('candles')).length;
      const started = performance.now();
      const removed = await retention.deleteHistoryBefore(new Date(cutoff));
      const ms = performance.now() - started;
      const dropped = before - (await partitions.list('candles')).length;
      retained.push([
        name,
        fmt(removed.candles),
        String(dropped),
        fmt(ms, 0),
        ms < 1_000 ? 'PASS (< 1 s)' : 'MISS (< 1 s)',
      ]);
    }

    console.log(`\n### bench:deep — ${new Date().toISOString()} — ${machine()}`);
    console.log(
      `\n${ASSETS} assets, ${WRITERS} writers, ${fmt(BATCH)} rows a statement at most; ${fmt(total)} rows seeded\n`,
    );
    console.log(table(['tier', 'rows', 's', 'rows/s'], seeded));
    console.log(
      '\n' +
        table(
          ['table', 'rows', 'table + indexes', 'of which indexes'],
          sizes.map((s) => [
            s.table,
            fmt(Number(s.rows)),
            `${fmt(Number(s.bytes) / 2 ** 20)} MiB`,
            `${fmt(Number(s.index) / 2 ** 20)} MiB`,
          ]),
        ),
    );
    console.log('\n' + httpTable(http));
    console.log(
      '\n' +
        table(['retention', 'candles removed', 'partitions dropped', 'ms', 'target'], retained),
    );
  } finally {
    await seeder.close();
    if (!KEEP) await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
