// npm run bench:currency — what answering in another currency costs: cached
// `/api/v3/coins/markets?per_page=250&sparkline=true`, `/api/v3/simple/price` of 50 ids and the
// native listing of 250, each in usd and in eur (server mode), req/s and p99 with autocannon;
// plus the uncached computation of each (a parameter the surface ignores makes every request a
// cache miss), median of sequential requests.
import { performance } from 'node:perf_hooks';
import {
  createBenchDatabase,
  fmt,
  load,
  machine,
  serviceEnv,
  startServer,
  summarise,
  table,
} from './support/harness';
import { openSeeder, syntheticAssets } from './support/seed';

const ASSETS = 300;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const COLD_REQUESTS = 30;

const median = (values: number[]) => summarise(values).median;

async function main(): Promise<void> {
  const database = await createBenchDatabase();
  const env = serviceEnv(database);
  const seeder = await openSeeder(env);
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    const { ids } = await seeder.assets.upsert(syntheticAssets(ASSETS));
    const now = Date.now();
    const lastHour = Math.floor(now / HOUR) * HOUR;
    const rows = [...ids.values()].flatMap((assetId) =>
      Array.from({ length: 7 * 24 }, (_, i) => {
        const close = 100 + ((assetId * 7 + i) % 50);
        return {
          assetId,
          openTime: new Date(lastHour - i * HOUR),
          source: 'binance',
          open: close,
          high: close + 1,
          low: close - 1,
          close,
          volume: 10,
        };
      }),
    );
    for (let i = 0; i < rows.length; i += 20_000) {
      await seeder.candles.upsertDirect('1h', rows.slice(i, i + 20_000));
    }
    await seeder.dataSource.query(
      `INSERT INTO fx_currencies (code, name, kind, source) VALUES ('eur', 'Euro', 'fiat', 'bench')`,
    );
    await seeder.dataSource.query(
      `INSERT INTO fx_rates (currency, day, rate, source)
       SELECT 'eur', d::date, 0.9 + (extract(day FROM d) / 1000), 'bench'
       FROM generate_series($1::timestamptz, $2::timestamptz, interval '1 day') AS d`,
      [new Date(now - 400 * DAY), new Date(now)],
    );
    server = await startServer(env);
    const fifty = ['btc', ...Array.from({ length: 49 }, (_, i) => `c${i + 1}`)].join(',');
    const routes = {
      markets: (c: string) => `/api/v3/coins/markets?vs_currency=${c}&per_page=250&sparkline=true`,
      simple: (c: string) =>
        `/api/v3/simple/price?ids=${fifty}&vs_currencies=${c}&include_market_cap=true`,
      listing: (c: string) => `/api/v1/cryptocurrencies?limit=250&vs_currency=${c}`,
    };
    const results: string[][] = [];
    for (const [name, path] of Object.entries(routes)) {
      const hot: Record<string, { rps: number[]; p99: number[] }> = {
        usd: { rps: [], p99: [] },
        eur: { rps: [], p99: [] },
      };
      for (let run = 0; run < RUNS; run++) {
        for (const currency of ['usd', 'eur']) {
          const url = `${server.url}${path(currency)}`;
          await load(url, { seconds: 1 });
          const result = await load(url, { seconds: SECONDS });
          if (result.errors || result.non2xx)
            throw new Error(`${url}: errors ${JSON.stringify(result)}`);
          hot[currency].rps.push(result.rps);
          hot[currency].p99.push(result.p99);
        }
      }
      const cold: Record<string, number> = {};
      for (const currency of ['usd', 'eur']) {
        const separator = name === 'listing' ? null : '&bust=';
        if (!separator) continue;
        const times: number[] = [];
        for (let i = 0; i < COLD_REQUESTS; i++) {
          const started = performance.now();
          const response = await fetch(
            `${server.url}${path(currency)}${separator}${currency}${i}-${now}`,
          );
          await response.arrayBuffer();
          times.push(performance.now() - started);
        }
        cold[currency] = median(times);
      }
      const rps = (c: string) => median(hot[c].rps);
      const p99 = (c: string) => median(hot[c].p99);
      results.push([
        name,
        fmt(rps('usd')),
        fmt(rps('eur')),
        `${fmt((rps('eur') / rps('usd') - 1) * 100, 1)} %`,
        `${fmt(p99('usd'))} / ${fmt(p99('eur'))}`,
        cold.usd === undefined ? '—' : `${fmt(cold.usd, 1)} / ${fmt(cold.eur, 1)}`,
      ]);
    }
    console.log(`\n${machine()}, ${RUNS} runs of ${SECONDS} s, 50 connections (medians)\n`);
    console.log(
      table(
        [
          'route',
          'usd req/s',
          'eur req/s',
          'eur vs usd',
          'p99 ms usd / eur',
          'uncached ms usd / eur',
        ],
        results,
      ),
    );
  } finally {
    await server?.stop();
    await seeder.close();
    await database.drop();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
