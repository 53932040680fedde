// `npm run bench:ws`: the real-time fan-out. The service runs in one process, the Socket.IO
// clients in another. Phase 1: 1,000 clients subscribed to BTC, 10 prices per second on the
// price bus for 30 s: delivered messages, latency from publish to client (p50/p99), dropped
// messages, server RSS per connection. Phase 2: 5,000 idle connections: connect time and RSS
// per connection. The service uses a throwaway database on the local PostgreSQL (an embedded
// PGlite would put its own memory swings into the RSS figures); with `-- --redis` the Redis
// streams adapter carries the updates. Prints Markdown; exits 1 when a target is missed.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { REDIS_URL, createBenchDatabase, fmt, freePort, machine, table } from './support/harness';
import type { ClientsReply, ClientsRequest } from './support/ws-clients';
import type { ServerReply, ServerRequest } from './support/ws-price-server';

const SUBSCRIBED = Number(process.env.BENCH_CLIENTS ?? 1_000);
const IDLE = Number(process.env.BENCH_IDLE_CLIENTS ?? 5_000);
const WARMUP_CLIENTS = Number(process.env.BENCH_WARMUP_CLIENTS ?? 500);
const PER_SECOND = 10;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const P99_TARGET_MS = 100;
const RSS_TARGET_BYTES = 40 * 1024;

/** The next IPC message of `type` from a child. */
async function reply<T extends { type: string }, K extends T['type']>(
  child: ChildProcess,
  type: K,
): Promise<Extract<T, { type: K }>> {
  for (;;) {
    const [message] = (await once(child, 'message')) as [T];
    if (message.type === type) return message as Extract<T, { type: K }>;
  }
}

/** Median RSS of three samples, each after a full GC. */
async function serverMemory(server: ChildProcess): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    server.send({ type: 'memory' } satisfies ServerRequest);
    samples.push((await reply<ServerReply, 'memory'>(server, 'memory')).rss);
  }
  return samples.sort((a, b) => a - b)[1];
}

function startClients(url: string, clients: number, symbol?: string): ChildProcess {
  return fork(join(__dirname, 'support', 'ws-clients.js'), {
    env: {
      PATH: process.env.PATH ?? '',
      BENCH_URL: url,
      BENCH_CLIENTS: String(clients),
      ...(symbol ? { BENCH_SYMBOL: symbol } : {}),
    },
  });
}

async function stopClients(clients: ChildProcess): Promise<void> {
  clients.send({ type: 'close' } satisfies ClientsRequest);
  await once(clients, 'exit');
}

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const kib = (bytes: number): string => `${fmt(bytes / 1024, 1)} KiB`;
const mark = (ok: boolean): string => (ok ? '✓' : '✗ missed');

async function main(): Promise<void> {
  const port = await freePort();
  const redis = process.argv.includes('--redis');
  const database = await createBenchDatabase();
  const server = fork(join(__dirname, 'support', 'ws-price-server.js'), {
    execArgv: ['--expose-gc'],
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      CORS_ORIGINS: 'http://localhost',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      SYNC_ON_STARTUP: 'false',
      INGESTION_SCHEDULE: 'false',
      BINANCE_STREAM: 'false',
      INGESTION_PROVIDERS: 'csv',
      DATABASE_URL: database.url,
      // 10 prices/s are 100 ms apart: below that interval nothing is coalesced, so every
      // published price must arrive and "dropped" means lost.
      WS_MIN_INTERVAL_MS: '50',
      ...(redis ? { REDIS_URL, REDIS_KEY_PREFIX: `bench-ws-${port}` } : {}),
    },
  });
  try {
    const { url } = await reply<ServerReply, 'ready'>(server, 'ready');
    const mode = redis ? 'Redis streams adapter' : 'in-memory adapter';
    console.log(`# bench:ws — ${machine()}, ${mode}\n`);

    // Warm-up, not measured: a first wave of clients compiles the handlers and grows the
    // heap's spaces once, which would otherwise be charged to whichever phase came first.
    // It stays connected while the measured clients connect, so the memory they take is
    // their own, not what the warm-up wave left free.
    const warmup = startClients(url, WARMUP_CLIENTS, 'BTC');
    await reply<ClientsReply, 'connected'>(warmup, 'connected');

    // Phase 1: subscribed clients under a steady price stream.
    const before = await serverMemory(server);
    const subscribed = startClients(url, SUBSCRIBED, 'BTC');
    const connected = await reply<ClientsReply, 'connected'>(subscribed, 'connected');
    const withClients = await serverMemory(server);
    await stopClients(warmup);
    subscribed.send({ type: 'reset' } satisfies ClientsRequest);
    server.send({
      type: 'publish',
      symbol: 'BTC',
      perSecond: PER_SECOND,
      seconds: SECONDS,
    } satisfies ServerRequest);
    const { count: published } = await reply<ServerReply, 'published'>(server, 'published');
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // let the last ones arrive
    subscribed.send({ type: 'report' } satisfies ClientsRequest);
    const report = await reply<ClientsReply, 'report'>(subscribed, 'report');
    const afterStream = await serverMemory(server);
    await stopClients(subscribed);

    const expected = published * (SUBSCRIBED - connected.failed);
    const dropped = expected - report.delivered;
    const latencies = report.latenciesMs.sort((a, b) => a - b);
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    const perConnection = (withClients - before) / SUBSCRIBED;

    // Phase 2: idle connections.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const idleBefore = await serverMemory(server);
    const idle = startClients(url, IDLE);
    const idleConnected = await reply<ClientsReply, 'connected'>(idle, 'connected');
    const idleAfter = await serverMemory(server);
    await stopClients(idle);
    const idlePerConnection = (idleAfter - idleBefore) / IDLE;

    console.log(
      table(
        ['measure', 'value', 'target'],
        [
          [
            'subscribed clients (connect + subscribe)',
            `${fmt(SUBSCRIBED)} in ${fmt(connected.connectMs)} ms, ${connected.failed} failed`,
            '',
          ],
          ['prices published', `${fmt(published)} (${PER_SECOND}/s for ${SECONDS} s)`, ''],
          ['messages delivered', `${fmt(report.delivered)} of ${fmt(expected)}`, ''],
          ['dropped messages', fmt(dropped), mark(dropped === 0)],
          ['seq gaps seen by clients', fmt(report.gaps), mark(report.gaps === 0)],
          ['fewest updates at one client', fmt(report.minPerClient), ''],
          [
            'latency publish → client p50 / p99',
            `${fmt(p50)} / ${fmt(p99)} ms`,
            `p99 ≤ ${P99_TARGET_MS} ms ${mark(p99 <= P99_TARGET_MS)}`,
          ],
          [
            'server RSS per subscribed connection',
            kib(perConnection),
            `≤ 40 KiB ${mark(perConnection <= RSS_TARGET_BYTES)}`,
          ],
          [
            'server RSS after the stream',
            `${fmt(afterStream / 2 ** 20)} MiB (before clients: ${fmt(before / 2 ** 20)} MiB)`,
            '',
          ],
          [
            'idle connections',
            `${fmt(IDLE)} in ${fmt(idleConnected.connectMs)} ms, ${idleConnected.failed} failed`,
            '',
          ],
          [
            'server RSS per idle connection',
            kib(idlePerConnection),
            `≤ 40 KiB ${mark(idlePerConnection <= RSS_TARGET_BYTES)}`,
          ],
        ],
      ),
    );
    const ok =
      dropped === 0 &&
      p99 <= P99_TARGET_MS &&
      perConnection <= RSS_TARGET_BYTES &&
      idlePerConnection <= RSS_TARGET_BYTES &&
      connected.failed === 0 &&
      idleConnected.failed === 0;
    process.exitCode = ok ? 0 : 1;
  } finally {
    server.kill('SIGTERM');
    await once(server, 'exit');
    await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
