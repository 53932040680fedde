// npm run bench:read — cached and uncached reads of the service against a bare Fastify +
// ioredis route reading the same Redis key, measured in the same run (server mode).
import { join } from 'node:path';
import {
  DIST,
  REDIS_URL,
  createBenchDatabase,
  serviceEnv,
  fmt,
  load,
  machine,
  range,
  repeat,
  startServer,
  table,
  type LoadResult,
  type Summary,
} from './support/harness';
import { minuteCandles, openSeeder, syntheticAssets } from './support/seed';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const random = (n: number) => Math.floor(Math.random() * n);

async function main(): Promise<void> {
  const database = await createBenchDatabase();
  const env = serviceEnv(database);
  const service = await startServer(env);
  const seeder = await openSeeder(env);
  try {
    const { ids } = await seeder.assets.upsert(syntheticAssets(1_000));
    for (const rows of minuteCandles(ids.get('BTC')!, 30 * 1_440, Date.now(), 10_000)) {
      await seeder.candles.upsert(rows);
    }
    await seeder.latestPrices.set([
      { symbol: 'BTC', price: 97_000.5, timestamp: Date.now(), source: 'binance' },
    ]);
    const bare = await startServer(
      { REDIS_URL, BARE_KEY: seeder.keys.latestPrice('BTC') },
      join(DIST, 'bench', 'support', 'bare-server.js'),
      '/price',
    );

    const targets: { name: string; url: string; paths?: () => string }[] = [
      { name: 'bare Fastify + ioredis GET (reference)', url: `${bare.url}/price` },
      {
        name: 'bare Fastify + ioredis: rate-limit script, then GET',
        url: `${bare.url}/price-limited`,
      },
      {
        name: 'GET /cryptocurrencies/BTC/price (Redis)',
        url: `${service.url}/api/v1/cryptocurrencies/BTC/price`,
      },
      {
        name: 'GET /cryptocurrencies?limit=100 (cache hot)',
        url: `${service.url}/api/v1/cryptocurrencies?limit=100`,
      },
      {
        name: 'GET /cryptocurrencies?limit=100 (cache cold)',
        url: service.url,
        paths: () => `/api/v1/cryptocurrencies?limit=100&min_volume=${random(1_000_000)}`,
      },
      {
        name: 'GET /BTC/ohlc?timeframe=1h&limit=500 (cache hot)',
        url: `${service.url}/api/v1/cryptocurrencies/BTC/ohlc?timeframe=1h&limit=500`,
      },
      {
        name: 'GET /BTC/ohlc?timeframe=1h&limit=500 (cache cold)',
        url: service.url,
        paths: () =>
          `/api/v1/cryptocurrencies/BTC/ohlc?timeframe=1h&limit=500&end=${Date.now() - random(86_400_000)}`,
      },
    ];

    const results: { name: string; summary: Record<keyof LoadResult, Summary> }[] = [];
    for (const target of targets) {
      await load(target.url, { seconds: 2, paths: target.paths }); // warm-up
      const summary = await repeat(RUNS, () =>
        load(target.url, { seconds: SECONDS, paths: target.paths }),
      );
      results.push({ name: target.name, summary });
      process.stderr.write(`measured ${target.name}\n`);
    }
    await bare.stop();

    const reference = results[0].summary.rps.median;
    const rows = results.map(({ name, summary }) => [
      name,
      range(summary.rps),
      fmt(summary.p50.median, 1),
      fmt(summary.p99.median, 1),
      fmt(summary.rps.median / reference, 2),
      fmt(summary.errors.median + summary.non2xx.median),
    ]);
    const limitedReference = results[1].summary.rps.median;
    const price = results[2].summary;
    console.log(`\n### bench:read — ${new Date().toISOString()} — ${machine()}`);
    console.log(
      `50 connections, ${RUNS} runs × ${SECONDS} s per row (median, min–max); server mode (PostgreSQL + Redis)\n`,
    );
    console.log(table(['route', 'req/s', 'p50 ms', 'p99 ms', 'vs bare', 'errors'], rows));
    const ratio = price.rps.median / reference;
    console.log(
      `\nprice read: ${fmt(ratio, 2)} of bare Fastify (target ≥ 0.60) ${ratio >= 0.6 ? 'PASS' : 'MISS'}; ` +
        `${fmt(price.rps.median / limitedReference, 2)} of bare Fastify with the same rate-limit step; ` +
        `p99 ${fmt(price.p99.median, 1)} ms (target < 25) ${price.p99.median < 25 ? 'PASS' : 'MISS'}`,
    );
  } finally {
    await service.stop();
    await seeder.close();
    await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
