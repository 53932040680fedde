// npm run bench:import — the service's responsiveness during a bulk import (issue 16 item 8):
// a 200,000-row CSV (BENCH_IMPORT_ROWS) is synced through the admin API (wait=false) while
// GET /health/live is probed every 10 ms from this process; reported per mode (embedded
// PGlite; server PostgreSQL + Redis): the import's duration, and the probe latency p50 /
// p99 / max during it. Reference: the same probe against the idle service just before.
// Target: /health/live p99 under 100 ms during the import. Also reported: the real-time
// sequence counters the import left in Redis (a bulk import publishes no live events).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import {
  REDIS_URL,
  createBenchDatabase,
  fmt,
  machine,
  percentile,
  serviceEnv,
  startServer,
  table,
  type RunningServer,
} from './support/harness';

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 200_000);
const ADMIN_KEY = `bench-admin-${randomBytes(12).toString('hex')}`;
const PROBE_EVERY_MS = 10;

interface Probe {
  p50: number;
  p99: number;
  max: number;
  count: number;
}

/** A CSV of `rows` made-up assets, seeded: the same file every run. */
function writeCsv(path: string, rows: number): void {
  let seed = 42;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const lines = ['symbol,name,price_usd,market_cap,volume_24h,change_24h,rank'];
  for (let i = 0; i < rows; i++) {
    lines.push(
      `B${i},Bench token ${i},${(random() * 1000 + 0.01).toFixed(4)},${Math.round(random() * 1e9)},` +
        `${Math.round(random() * 1e7)},${(random() * 40 - 20).toFixed(2)},${i + 1}`,
    );
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

/** Probes /health/live every PROBE_EVERY_MS until `until` settles. */
async function probeDuring(url: string, until: Promise<unknown>): Promise<Probe> {
  const latencies: number[] = [];
  let done = false;
  void until.finally(() => (done = true));
  while (!done) {
    const started = performance.now();
    await (
      await fetch(`${url}/health/live`, { signal: AbortSignal.timeout(30_000) })
    ).arrayBuffer();
    latencies.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, PROBE_EVERY_MS));
  }
  latencies.sort((a, b) => a - b);
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? 0,
    count: latencies.length,
  };
}

async function importOnce(server: RunningServer): Promise<{ ms: number; status: string }> {
  const started = performance.now();
  const response = await fetch(
    `${server.url}/api/v1/cryptocurrencies/sync?provider=csv&wait=false`,
    {
      method: 'POST',
      headers: { 'x-api-key': ADMIN_KEY },
    },
  );
  const { run_id: runId } = (await response.json()) as { run_id: string };
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const answer = await fetch(`${server.url}/api/v1/ingestion/runs/${runId}`, {
      signal: AbortSignal.timeout(30_000),
    });
    const run = (await answer.json()) as {
      status: string;
    };
    if (run.status !== 'running') return { ms: performance.now() - started, status: run.status };
  }
}

async function measure(mode: 'embedded' | 'server', csv: string): Promise<string[]> {
  const database = mode === 'server' ? await createBenchDatabase() : undefined;
  const dataDir = mode === 'embedded' ? mkdtempSync(join(tmpdir(), 'cma-bench-import-')) : '';
  const env: Record<string, string> = {
    ...serviceEnv(database),
    ...(mode === 'embedded' ? { PGLITE_DATA_DIR: dataDir } : {}),
    INGESTION_PROVIDERS: 'csv',
    CSV_IMPORT_PATH: csv,
    ADMIN_API_KEY: ADMIN_KEY,
  };
  if (mode === 'embedded') delete env.REDIS_URL;
  const server = await startServer(env);
  try {
    const idle = await probeDuring(server.url, new Promise((r) => setTimeout(r, 2_000)));
    const imported = importOnce(server);
    const during = await probeDuring(server.url, imported);
    const { ms, status } = await imported;
    let counters = 'n/a';
    if (mode === 'server') {
      const redis = new Redis(REDIS_URL);
      counters = String((await redis.keys(`${env.REDIS_KEY_PREFIX}*seq:*`)).length);
      const leftovers = await redis.keys(`${env.REDIS_KEY_PREFIX}*`);
      for (let i = 0; i < leftovers.length; i += 1_000) {
        await redis.del(...leftovers.slice(i, i + 1_000));
      }
      redis.disconnect();
    }
    return [
      mode,
      `${fmt(ms / 1000, 1)} s (${status})`,
      fmt(idle.p99, 1),
      fmt(during.p50, 1),
      `${fmt(during.p99, 1)} ${during.p99 < 100 ? '✓' : '✗'}`,
      fmt(during.max, 0),
      String(during.count),
      counters,
    ];
  } finally {
    await server.stop();
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cma-bench-csv-'));
  const csv = join(dir, 'bulk.csv');
  writeCsv(csv, ROWS);
  try {
    const rows: string[][] = [];
    for (const mode of ['embedded', 'server'] as const) rows.push(await measure(mode, csv));
    console.log(`\n## Bulk import: ${ROWS.toLocaleString('en')} CSV rows (${machine()})\n`);
    console.log(
      table(
        [
          'mode',
          'import',
          'idle p99 ms',
          'during p50 ms',
          'during p99 ms (target < 100)',
          'max ms',
          'probes',
          'seq counters left',
        ],
        rows,
      ),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
