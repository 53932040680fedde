// `npm run bench:ws`: the real-time fan-out. The service runs in one process, the Socket.IO
// clients in others (at most 2,500 per process). Phase 1: 1,000 clients subscribed to BTC, 10 prices per second on the
// price bus for 30 s: delivered messages, latency from publish to client (p50/p99), dropped
// messages, the server's own share (publish to last socket write), server RSS per connection. Phase 2: 5,000 idle connections: connect time and RSS
// per connection. The service uses a throwaway database on the local PostgreSQL (an embedded
// PGlite would put its own memory swings into the RSS figures); with `-- --redis` the Redis
// streams adapter carries the updates. Prints Markdown; exits 1 when a target is missed.
// `npm run bench` imports `measureFanout`.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import {
  REDIS_URL,
  createBenchDatabase,
  fmt,
  freePort,
  machine,
  percentile,
  reply,
  table,
} from './support/harness';
import type { ClientsReply, ClientsRequest } from './support/ws-clients';
import type { ServerReply, ServerRequest } from './support/ws-price-server';

const SUBSCRIBED = Number(process.env.BENCH_CLIENTS ?? 1_000);
const IDLE = Number(process.env.BENCH_IDLE_CLIENTS ?? 5_000);
const WARMUP_CLIENTS = Number(process.env.BENCH_WARMUP_CLIENTS ?? 500);
const PER_SECOND = 10;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
export const P99_TARGET_MS = 100;
export const RSS_TARGET_BYTES = 40 * 1024;

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

/** Clients per load-generator process: above it, clients are spread over several. */
const CLIENTS_PER_PROCESS = Number(process.env.BENCH_CLIENTS_PER_PROCESS ?? 2_500);

type Connected = Extract<ClientsReply, { type: 'connected' }>;
type Report = Extract<ClientsReply, { type: 'report' }>;

/**
 * Socket.IO clients spread over enough processes that no one process decodes more than
 * CLIENTS_PER_PROCESS clients' messages, so that the latency is the server's rather than one
 * client process's queue.
 */
class ClientGroup {
  private constructor(private readonly processes: ChildProcess[]) {}

  static start(url: string, clients: number, symbol?: string): ClientGroup {
    const count = Math.max(1, Math.ceil(clients / CLIENTS_PER_PROCESS));
    return new ClientGroup(
      Array.from({ length: count }, (_, i) => {
        const share = Math.floor(clients / count) + (i < clients % count ? 1 : 0);
        return fork(join(__dirname, 'support', 'ws-clients.js'), {
          env: {
            PATH: process.env.PATH ?? '',
            BENCH_URL: url,
            BENCH_CLIENTS: String(share),
            ...(symbol ? { BENCH_SYMBOL: symbol } : {}),
          },
        });
      }),
    );
  }

  get size(): number {
    return this.processes.length;
  }

  async connected(): Promise<Omit<Connected, 'type'>> {
    const replies = await Promise.all(
      this.processes.map((child) => reply<ClientsReply, 'connected'>(child, 'connected')),
    );
    return {
      clients: replies.reduce((sum, r) => sum + r.clients, 0),
      connectMs: Math.max(...replies.map((r) => r.connectMs)),
      failed: replies.reduce((sum, r) => sum + r.failed, 0),
    };
  }

  send(request: ClientsRequest): void {
    for (const child of this.processes) child.send(request);
  }

  async report(): Promise<Omit<Report, 'type'>> {
    this.send({ type: 'report' });
    const replies = await Promise.all(
      this.processes.map((child) => reply<ClientsReply, 'report'>(child, 'report')),
    );
    return {
      delivered: replies.reduce((sum, r) => sum + r.delivered, 0),
      gaps: replies.reduce((sum, r) => sum + r.gaps, 0),
      minPerClient: Math.min(...replies.map((r) => r.minPerClient)),
      latenciesMs: replies.flatMap((r) => r.latenciesMs),
    };
  }

  async stop(): Promise<void> {
    const exits = this.processes.map((child) => once(child, 'exit'));
    this.send({ type: 'close' });
    await Promise.all(exits);
  }
}

const kib = (bytes: number): string => `${fmt(bytes / 1024, 1)} KiB`;
const mark = (ok: boolean): string => (ok ? '✓' : '✗ missed');

export interface FanoutOptions {
  subscribed: number;
  /** Idle connections of phase 2; 0 skips it. */
  idle: number;
  seconds: number;
  redis: boolean;
}

export interface FanoutResults {
  subscribed: number;
  connectMs: number;
  failed: number;
  published: number;
  delivered: number;
  expected: number;
  dropped: number;
  gaps: number;
  minPerClient: number;
  p50: number;
  p99: number;
  /** Publish on the bus to the last socket write it caused, in the server: p50 / p99 ms. */
  serverP50: number;
  serverP99: number;
  /** Load-generator processes the subscribed clients were spread over. */
  clientProcesses: number;
  rssBefore: number;
  rssPerSubscribed: number;
  rssAfterStream: number;
  idle?: { clients: number; connectMs: number; failed: number; rssPerConnection: number };
}

export async function measureFanout(options: FanoutOptions): Promise<FanoutResults> {
  const port = await freePort();
  const { redis } = options;
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

    // Warm-up, not measured: a first wave of clients compiles the handlers and grows the
    // heap's spaces once, which would otherwise be charged to whichever phase came first.
    // It stays connected while the measured clients connect, so the memory they take is
    // their own, not what the warm-up wave left free.
    const warmup = ClientGroup.start(url, WARMUP_CLIENTS, 'BTC');
    await warmup.connected();

    // Phase 1: subscribed clients under a steady price stream.
    const before = await serverMemory(server);
    const subscribed = ClientGroup.start(url, options.subscribed, 'BTC');
    const connected = await subscribed.connected();
    const withClients = await serverMemory(server);
    await warmup.stop();
    subscribed.send({ type: 'reset' });
    server.send({
      type: 'publish',
      symbol: 'BTC',
      perSecond: PER_SECOND,
      seconds: options.seconds,
    } satisfies ServerRequest);
    const { count: published, serverMs } = await reply<ServerReply, 'published'>(
      server,
      'published',
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // let the last ones arrive
    const report = await subscribed.report();
    const afterStream = await serverMemory(server);
    await subscribed.stop();
    const serverShare = serverMs.sort((a, b) => a - b);

    const expected = published * (options.subscribed - connected.failed);
    const dropped = expected - report.delivered;
    const latencies = report.latenciesMs.sort((a, b) => a - b);
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    const perConnection = (withClients - before) / options.subscribed;

    // Phase 2: idle connections.
    let idle: FanoutResults['idle'];
    if (options.idle > 0) {
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const idleBefore = await serverMemory(server);
      const clients = ClientGroup.start(url, options.idle);
      const connectedIdle = await clients.connected();
      const idleAfter = await serverMemory(server);
      await clients.stop();
      idle = {
        clients: options.idle,
        connectMs: connectedIdle.connectMs,
        failed: connectedIdle.failed,
        rssPerConnection: (idleAfter - idleBefore) / options.idle,
      };
    }
    return {
      subscribed: options.subscribed,
      connectMs: connected.connectMs,
      failed: connected.failed,
      published,
      delivered: report.delivered,
      expected,
      dropped,
      gaps: report.gaps,
      minPerClient: report.minPerClient,
      p50,
      p99,
      serverP50: percentile(serverShare, 50),
      serverP99: percentile(serverShare, 99),
      clientProcesses: subscribed.size,
      rssBefore: before,
      rssPerSubscribed: perConnection,
      rssAfterStream: afterStream,
      idle,
    };
  } finally {
    server.kill('SIGTERM');
    await once(server, 'exit');
    await database.drop();
  }
}

async function main(): Promise<void> {
  const redis = process.argv.includes('--redis');
  const r = await measureFanout({ subscribed: SUBSCRIBED, idle: IDLE, seconds: SECONDS, redis });
  const mode = redis ? 'Redis streams adapter' : 'in-memory adapter';
  console.log(`# bench:ws — ${machine()}, ${mode}\n`);
  const idle = r.idle;
  console.log(
    table(
      ['measure', 'value', 'target'],
      [
        [
          'subscribed clients (connect + subscribe)',
          `${fmt(SUBSCRIBED)} in ${fmt(r.connectMs)} ms, ${r.failed} failed`,
          '',
        ],
        ['prices published', `${fmt(r.published)} (${PER_SECOND}/s for ${SECONDS} s)`, ''],
        ['messages delivered', `${fmt(r.delivered)} of ${fmt(r.expected)}`, ''],
        ['dropped messages', fmt(r.dropped), mark(r.dropped === 0)],
        ['seq gaps seen by clients', fmt(r.gaps), mark(r.gaps === 0)],
        ['fewest updates at one client', fmt(r.minPerClient), ''],
        [
          `latency publish → client p50 / p99 (clients in ${r.clientProcesses} process(es))`,
          `${fmt(r.p50)} / ${fmt(r.p99)} ms`,
          `p99 ≤ ${P99_TARGET_MS} ms ${mark(r.p99 <= P99_TARGET_MS)}`,
        ],
        [
          "server's share: publish → last socket write, p50 / p99",
          `${fmt(r.serverP50, 1)} / ${fmt(r.serverP99, 1)} ms`,
          '',
        ],
        [
          'server RSS per subscribed connection',
          kib(r.rssPerSubscribed),
          `≤ 40 KiB ${mark(r.rssPerSubscribed <= RSS_TARGET_BYTES)}`,
        ],
        [
          'server RSS after the stream',
          `${fmt(r.rssAfterStream / 2 ** 20)} MiB (before clients: ${fmt(r.rssBefore / 2 ** 20)} MiB)`,
          '',
        ],
        ...(idle
          ? [
              [
                'idle connections',
                `${fmt(idle.clients)} in ${fmt(idle.connectMs)} ms, ${idle.failed} failed`,
                '',
              ],
              [
                'server RSS per idle connection',
                kib(idle.rssPerConnection),
                `≤ 40 KiB ${mark(idle.rssPerConnection <= RSS_TARGET_BYTES)}`,
              ],
            ]
          : []),
      ],
    ),
  );
  const ok =
    r.dropped === 0 &&
    r.p99 <= P99_TARGET_MS &&
    r.rssPerSubscribed <= RSS_TARGET_BYTES &&
    r.failed === 0 &&
    (!idle || (idle.rssPerConnection <= RSS_TARGET_BYTES && idle.failed === 0));
  process.exitCode = ok ? 0 : 1;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
