// npm run bench:ohlc — seeds one year of 1-minute candles for 10 assets (5.2 M rows)
// through the ingestion write path (UNNEST upsert + roll-up maintenance), then times
// uncached roll-ups: 1d over a year and 1h over 30 days, in SQL and over HTTP.
import { performance } from 'node:perf_hooks';
import {
  createBenchDatabase,
  serviceEnv,
  fmt,
  machine,
  range,
  startServer,
  summarise,
  table,
} from './support/harness';
import { minuteCandles, openSeeder, syntheticAssets } from './support/seed';

const ASSETS = Number(process.env.BENCH_ASSETS ?? 10);
const DAYS = Number(process.env.BENCH_DAYS ?? 365);
const BATCH = 50_000;
const WRITERS = Number(process.env.BENCH_WRITERS ?? 2);
const QUERY_RUNS = 25;
const DAY = 86_400_000;

async function timeRuns(runs: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await fn(i);
    times.push(performance.now() - started);
  }
  return times;
}

async function main(): Promise<void> {
  const database = await createBenchDatabase();
  const env = serviceEnv(database);
  const seeder = await openSeeder(env);
  try {
    const { ids } = await seeder.assets.upsert(syntheticAssets(ASSETS));
    const now = Date.now();
    const minutes = DAYS * 1_440;
    let rows = 0;
    const started = performance.now();
    // One writer per core, each ingesting whole assets, as parallel provider runs would.
    const queue = [...ids.values()];
    const writer = async () => {
      for (let assetId = queue.shift(); assetId !== undefined; assetId = queue.shift()) {
        for (const batch of minuteCandles(assetId, minutes, now, BATCH)) {
          await seeder.candles.upsert(batch);
          rows += batch.length;
        }
        process.stderr.write(`seeded asset ${assetId}: ${fmt(rows)} rows so far\n`);
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, writer));
    const seedSeconds = (performance.now() - started) / 1_000;
    const rowsPerSecond = rows / seedSeconds;

    const btc = ids.get('BTC')!;
    const sqlDay = await timeRuns(QUERY_RUNS, () =>
      seeder.candles.rollUp(btc, 'binance', '1d', new Date(now - 365 * DAY), new Date(now)),
    );
    const sqlHour = await timeRuns(QUERY_RUNS, () =>
      seeder.candles.rollUp(btc, 'binance', '1h', new Date(now - 30 * DAY), new Date(now)),
    );
    const sqlMinute = await timeRuns(QUERY_RUNS, () =>
      seeder.candles.rollUp(btc, 'binance', '15m', new Date(now - 7 * DAY), new Date(now)),
    );

    const service = await startServer(env);
    // A different `end` per request defeats the response cache: every request is a miss.
    const http = (query: string) => (i: number) =>
      fetch(`${service.url}/api/v1/cryptocurrencies/BTC/ohlc?${query}&end=${now - i * 1_000}`).then(
        (r) => r.text(),
      );
    await timeRuns(3, http('timeframe=1d&limit=365')); // warm-up
    const httpDay = await timeRuns(QUERY_RUNS, http('timeframe=1d&limit=365'));
    const httpHour = await timeRuns(QUERY_RUNS, http('timeframe=1h&limit=720'));
    await service.stop();

    const row = (name: string, times: number[], target?: number) => {
      const s = summarise(times);
      return [
        name,
        range(s, 1),
        target ? (s.median < target ? `PASS (< ${target})` : `MISS (< ${target})`) : '',
      ];
    };
    console.log(`\n### bench:ohlc — ${new Date().toISOString()} — ${machine()}`);
    console.log(
      `\nSeeded ${fmt(rows)} 1-minute candles (${ASSETS} assets × ${DAYS} days) through CandlesRepository.upsert ` +
        `(UNNEST, ${fmt(BATCH)} rows a statement, roll-ups maintained, ${WRITERS} writers) in ${fmt(seedSeconds, 1)} s: ` +
        `**${fmt(rowsPerSecond)} rows/s** (target ≥ 100,000) ${rowsPerSecond >= 100_000 ? 'PASS' : 'MISS'}\n`,
    );
    console.log(
      table(
        ['uncached roll-up', 'ms median (min–max)', 'target'],
        [
          row('SQL: 1d over 365 days (365 buckets)', sqlDay, 50),
          row('SQL: 1h over 30 days (720 buckets)', sqlHour, 50),
          row('SQL: 15m over 7 days from 1m candles (672 buckets)', sqlMinute),
          row('HTTP: /ohlc?timeframe=1d&limit=365 (cache miss)', httpDay, 50),
          row('HTTP: /ohlc?timeframe=1h&limit=720 (cache miss)', httpHour, 50),
        ],
      ),
    );
  } finally {
    await seeder.close();
    await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
