// npm run bench:soak — minutes of steady mixed traffic against one service in server mode
// (PostgreSQL + Redis, the simulator ingesting live trades): listing, price, OHLC and
// sentiment over HTTP at fixed rates, plus a pool of Socket.IO subscribers. Prints the
// error rate (target: no errors but 429), p99 per route, and the service's RSS after
// warm-up and at the end (target: growth < 10%).
import autocannon from 'autocannon';
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createBenchDatabase,
  fmt,
  machine,
  percentile,
  reply,
  serviceEnv,
  startServer,
  table,
} from './support/harness';
import { minuteCandles, openSeeder, syntheticAssets } from './support/seed';
import type { ClientsReply, ClientsRequest } from './support/ws-clients';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 300);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 30);
const WS_CLIENTS = Number(process.env.BENCH_WS_CLIENTS ?? 200);
/** Requests per second per route: a busy dashboard backend, well under capacity. */
const RATES = {
  price: Number(process.env.BENCH_PRICE_RATE ?? 200),
  listing: Number(process.env.BENCH_LISTING_RATE ?? 50),
  ohlc: Number(process.env.BENCH_OHLC_RATE ?? 50),
  sentiment: Number(process.env.BENCH_SENTIMENT_RATE ?? 50),
};
const RSS_GROWTH_TARGET = 0.1;
const random = (n: number) => Math.floor(Math.random() * n);

/** Short market texts from the evaluation set, sent round-robin. */
function sentimentBodies(): string[] {
  const file = join(__dirname, '..', 'test', 'fixtures', 'sentiment', 'dev.jsonl');
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .slice(0, 200)
    .map((line) => JSON.stringify({ text: (JSON.parse(line) as { text: string }).text }));
}

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) * 1024;
}

interface RouteResult {
  name: string;
  rate: number;
  result: autocannon.Result;
}

function steady(
  name: string,
  url: string,
  rate: number,
  seconds: number,
  request: (index: number) => Partial<autocannon.Request>,
): Promise<RouteResult> {
  let index = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        connections: 10,
        overallRate: rate,
        duration: seconds,
        timeout: 10,
        requests: [{ setupRequest: (base) => ({ ...base, ...request(index++) }) }],
      },
      (error: Error | null, result) => (error ? reject(error) : resolve({ name, rate, result })),
    );
  });
}

function startClients(url: string): ChildProcess {
  return fork(join(__dirname, 'support', 'ws-clients.js'), {
    env: {
      PATH: process.env.PATH ?? '',
      BENCH_URL: url,
      BENCH_CLIENTS: String(WS_CLIENTS),
      BENCH_SYMBOL: 'BTC',
    },
  });
}

const mib = (bytes: number) => `${fmt(bytes / 2 ** 20, 1)} MiB`;

async function main(): Promise<void> {
  const database = await createBenchDatabase();
  const env = {
    ...serviceEnv(database),
    MARKET_SIMULATOR: 'true',
    SIMULATOR_TRADES_PER_SECOND: '20',
  };
  const service = await startServer(env);
  const seeder = await openSeeder(env);
  let clients: ChildProcess | undefined;
  try {
    const { ids } = await seeder.assets.upsert(syntheticAssets(1_000));
    for (const rows of minuteCandles(ids.get('BTC')!, 30 * 1_440, Date.now(), 10_000)) {
      await seeder.candles.upsert(rows);
    }
    clients = startClients(service.url);
    const connected = await reply<ClientsReply, 'connected'>(clients, 'connected');
    if (connected.failed > 0) throw new Error(`${connected.failed} WebSocket clients failed`);

    const bodies = sentimentBodies();
    const routes = (seconds: number) =>
      Promise.all([
        steady('GET /cryptocurrencies/BTC/price', service.url, RATES.price, seconds, () => ({
          path: '/api/v1/cryptocurrencies/BTC/price',
        })),
        steady(
          'GET /cryptocurrencies (hot and cold)',
          service.url,
          RATES.listing,
          seconds,
          (i) => ({
            path:
              i % 4 === 0
                ? `/api/v1/cryptocurrencies?limit=100&min_volume=${random(1_000_000)}`
                : '/api/v1/cryptocurrencies?limit=100',
          }),
        ),
        steady('GET /BTC/ohlc 1h×500 (hot and cold)', service.url, RATES.ohlc, seconds, (i) => ({
          path:
            i % 4 === 0
              ? `/api/v1/cryptocurrencies/BTC/ohlc?timeframe=1h&limit=500&end=${Date.now() - random(86_400_000)}`
              : '/api/v1/cryptocurrencies/BTC/ohlc?timeframe=1h&limit=500',
        })),
        steady('POST /sentiment/analyze', service.url, RATES.sentiment, seconds, (i) => ({
          path: '/api/v1/sentiment/analyze',
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: bodies[i % bodies.length],
        })),
      ]);

    process.stderr.write(`warm-up: ${WARMUP_SECONDS} s\n`);
    await routes(WARMUP_SECONDS);
    clients.send({ type: 'reset' } satisfies ClientsRequest);
    const rssStart = rssOf(service.child.pid!);
    const samples: number[] = [rssStart];
    const sampler = setInterval(() => samples.push(rssOf(service.child.pid!)), 5_000);
    process.stderr.write(`soak: ${SECONDS} s\n`);
    const results = await routes(SECONDS);
    clearInterval(sampler);
    const rssEnd = rssOf(service.child.pid!);
    clients.send({ type: 'report' } satisfies ClientsRequest);
    const ws = await reply<ClientsReply, 'report'>(clients, 'report');

    let failures = 0;
    const rows = results.map(({ name, rate, result }) => {
      const codes = result.statusCodeStats as Record<string, { count: number }>;
      const limited = codes['429']?.count ?? 0;
      const failed = result.errors + result.timeouts + result.non2xx - limited;
      failures += failed;
      return [
        name,
        fmt(rate),
        fmt(result.requests.total),
        fmt(result.latency.p50, 1),
        fmt(result.latency.p99, 1),
        fmt(limited),
        fmt(failed),
      ];
    });
    const latencies = [...ws.latenciesMs].sort((a, b) => a - b);
    const growth = (rssEnd - rssStart) / rssStart;

    console.log(`\n### bench:soak — ${new Date().toISOString()} — ${machine()}`);
    console.log(
      `${SECONDS} s after ${WARMUP_SECONDS} s warm-up; server mode (PostgreSQL + Redis), simulator on; ` +
        `${WS_CLIENTS} Socket.IO clients subscribed to BTC\n`,
    );
    console.log(
      table(['route', 'req/s', 'requests', 'p50 ms', 'p99 ms', '429', 'errors (non-429)'], rows),
    );
    console.log(
      `\nSocket.IO: ${fmt(ws.delivered)} price updates delivered, ${fmt(ws.gaps)} seq gaps, ` +
        `fewest per client ${fmt(ws.minPerClient)}, latency p99 ${fmt(percentile(latencies, 99))} ms`,
    );
    console.log(
      `RSS: ${mib(rssStart)} after warm-up, ${mib(rssEnd)} at the end (${fmt(growth * 100, 1)}%), ` +
        `max ${mib(Math.max(...samples))}`,
    );
    const ok = failures === 0 && growth < RSS_GROWTH_TARGET && ws.gaps === 0;
    console.log(
      `\nerrors: ${fmt(failures)} (target 0) ${failures === 0 ? 'PASS' : 'MISS'}; ` +
        `RSS growth ${fmt(growth * 100, 1)}% (target < 10%) ${growth < RSS_GROWTH_TARGET ? 'PASS' : 'MISS'}`,
    );
    process.exitCode = ok ? 0 : 1;
  } finally {
    if (clients) {
      clients.send({ type: 'close' } satisfies ClientsRequest);
      await once(clients, 'exit');
    }
    await service.stop();
    await seeder.close();
    await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
