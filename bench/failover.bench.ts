// npm run bench:failover — three instances (server mode: one PostgreSQL, one Redis) behind a
// retrying round-robin balancer (support/retrying-proxy.ts), under steady read load and with
// Socket.IO subscribers; the instance leading the live duties (here the market simulator, a
// live feed like the Binance stream, under the same advisory-lock leadership) is killed with
// SIGKILL. Reported: read requests answered and failed after the kill (target 0 failed), how
// long until live prices flow again from another instance (target ≤ 15 s), and how many of
// the subscribers are receiving prices again at the end (target all).
import { randomBytes } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import {
  createBenchDatabase,
  fmt,
  machine,
  serviceEnv,
  startServer,
  table,
  type RunningServer,
} from './support/harness';
import { RetryingProxy } from './support/retrying-proxy';

const INSTANCES = 3;
const READERS = Number(process.env.BENCH_READERS ?? 8);
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 60);
const BEFORE_KILL_MS = 5_000;
const AFTER_KILL_MS = Number(process.env.BENCH_AFTER_KILL_MS ?? 30_000);
const SYMBOL = 'BTC';

interface Reads {
  ok: number;
  failed: number;
}

async function main(): Promise<void> {
  const database = await createBenchDatabase();
  const env = {
    ...serviceEnv(database),
    REDIS_KEY_PREFIX: `bench-failover-${randomBytes(3).toString('hex')}`,
    MARKET_SIMULATOR: 'true',
    SIMULATOR_SYMBOLS: SYMBOL,
    SIMULATOR_TRADES_PER_SECOND: '10',
    INGESTION_PROVIDERS: 'csv',
    // The bundled CSV lists BTC: subscriptions to it are accepted from the start.
    SYNC_ON_STARTUP: 'true',
    LOG_LEVEL: 'info',
  };
  const servers: RunningServer[] = [];
  let proxy: RetryingProxy | undefined;
  const sockets: Socket[] = [];
  try {
    // One at a time: the first runs the migrations.
    for (let i = 0; i < INSTANCES; i++) {
      servers.push(await startServer(env, undefined, '/health/ready', { requireOk: true }));
    }
    const ports = servers.map((s) => Number(new URL(s.url).port));
    proxy = new RetryingProxy(ports);
    const url = await proxy.start();

    // Subscribers, spread over the instances by the balancer.
    // A live update is one with a seq above every seq seen before it (a snapshot sent on
    // subscribing repeats the current one).
    const lastPriceAt: number[] = [];
    let highestSeq = 0;
    let killedAt = Infinity;
    let resumedAt = Infinity;
    for (let i = 0; i < SUBSCRIBERS; i++) {
      const socket = io(url, {
        transports: ['websocket'],
        forceNew: true,
        reconnectionDelayMax: 2_000,
      });
      lastPriceAt[i] = 0;
      socket.on('connect', () => socket.emit('subscribe', { symbol: SYMBOL }));
      socket.on('price_update', (update: { seq: number }) => {
        lastPriceAt[i] = Date.now();
        if (update.seq > highestSeq) {
          highestSeq = update.seq;
          if (Date.now() > killedAt && resumedAt === Infinity) resumedAt = Date.now();
        }
      });
      sockets.push(socket);
    }
    const receiving = () => lastPriceAt.filter((t) => t > Date.now() - 2_000).length;
    for (let waited = 0; receiving() < SUBSCRIBERS && waited < 20_000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    // Steady reads through the balancer.
    let stop = false;
    const before: Reads = { ok: 0, failed: 0 };
    const after: Reads = { ok: 0, failed: 0 };
    const readers = Array.from({ length: READERS }, async () => {
      while (!stop) {
        const bucket = Date.now() < killedAt ? before : after;
        try {
          const response = await fetch(`${url}/api/v1/cryptocurrencies/${SYMBOL}/price`);
          await response.arrayBuffer();
          if (response.status >= 500) bucket.failed += 1;
          else bucket.ok += 1;
        } catch {
          bucket.failed += 1;
        }
      }
    });

    await new Promise((resolve) => setTimeout(resolve, BEFORE_KILL_MS));
    const leads = (server: RunningServer) =>
      server.output().includes('leading ingestion:simulator');
    const leader = servers.findIndex(leads);
    if (leader < 0) throw new Error('no instance reported leading the simulator');
    const receivingBefore = receiving();
    killedAt = Date.now();
    servers[leader].child.kill('SIGKILL');

    // Live prices flowing again: a new seq after the kill, from the new leader (the killed
    // one can send nothing more; a price it published just before may still arrive, so the
    // first 300 ms do not count).
    await new Promise((resolve) => setTimeout(resolve, 300));
    resumedAt = Infinity;
    await new Promise((resolve) => setTimeout(resolve, AFTER_KILL_MS - 300));
    stop = true;
    await Promise.all(readers);
    const receivingAtEnd = receiving();
    const newLeader = servers.findIndex((server, i) => i !== leader && leads(server));

    const takeover = resumedAt === Infinity ? NaN : (resumedAt - killedAt) / 1000;
    console.log(
      `\n## Failover: ${INSTANCES} instances, leader killed with SIGKILL (${machine()})\n`,
    );
    console.log(
      table(
        ['figure', 'value', 'target'],
        [
          ['reads before the kill (ok / failed)', `${before.ok} / ${before.failed}`, ''],
          [
            `reads in the ${AFTER_KILL_MS / 1000} s after (ok / failed)`,
            `${after.ok} / ${after.failed}`,
            `0 failed ${after.failed === 0 ? '✓' : '✗'}`,
          ],
          ['requests the balancer retried on another instance', String(proxy.retried), ''],
          [
            'live prices flowing again after the kill',
            Number.isNaN(takeover) ? 'never' : `${fmt(takeover, 1)} s`,
            `≤ 15 s ${takeover <= 15 ? '✓' : '✗'}`,
          ],
          ['new leader', newLeader >= 0 ? `instance ${newLeader + 1}` : 'none', ''],
          [
            'subscribers receiving prices (before → at the end)',
            `${receivingBefore} → ${receivingAtEnd} of ${SUBSCRIBERS}`,
            `all ${receivingAtEnd === SUBSCRIBERS ? '✓' : '✗'}`,
          ],
        ],
      ),
    );
  } finally {
    for (const socket of sockets) socket.close();
    await proxy?.stop();
    await Promise.all(servers.map((s) => s.stop()));
    await database.drop();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
