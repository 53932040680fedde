// Shared pieces of the benchmarks: a throwaway database on the real server, the built
// service as a child process, autocannon runs summarised as median/min/max, and tables.
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

export const DIST = join(__dirname, '..', '..');
export const DATABASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

export interface BenchDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createBenchDatabase(): Promise<BenchDatabase> {
  const name = `cma_bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new Client({ connectionString: DATABASE_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/**
 * The service's environment for a benchmark: production mode, server mode on the bench
 * database (embedded mode without one) and the local Redis (keys under their own prefix),
 * request logs off.
 */
export function serviceEnv(database?: BenchDatabase): Record<string, string> {
  return {
    NODE_ENV: 'production',
    CORS_ORIGINS: 'http://localhost',
    ...(database ? { DATABASE_URL: database.url } : {}),
    REDIS_URL,
    REDIS_KEY_PREFIX: `bench-${randomBytes(3).toString('hex')}`,
    LOG_LEVEL: 'warn',
    SYNC_ON_STARTUP: 'false',
    INGESTION_SCHEDULE: 'false',
    BINANCE_STREAM: 'false',
    // The limiter still runs on every request (its cost is measured), it just never refuses.
    RATE_LIMIT_PER_MINUTE: '1000000000',
  };
}

export interface RunningServer {
  url: string;
  child: ChildProcess;
  /** From spawn until `readyPath` answered. */
  readyMs: number;
  /** Everything it printed so far. */
  output(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Starts a built script (default: the service) on a free port and waits until `readyPath`
 * answers (any status, or only 2xx with `requireOk`), so it works whatever the log level.
 * `nodeArgs` go to node before the script (`--cpu-prof`, to profile a server under load).
 */
export async function startServer(
  env: Record<string, string>,
  script = join(DIST, 'src', 'main.js'),
  readyPath = '/health/live',
  {
    pollMs = 100,
    requireOk = false,
    nodeArgs = [],
  }: { pollMs?: number; requireOk?: boolean; nodeArgs?: string[] } = {},
): Promise<RunningServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const spawned = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, script], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let exited = false;
  child.once('exit', () => (exited = true));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`server exited:\n${output}`);
    if (Date.now() > deadline) throw new Error(`server did not start:\n${output}`);
    try {
      const response = await fetch(`${url}${readyPath}`);
      await response.arrayBuffer();
      if (!requireOk || response.ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
  return {
    url,
    child,
    readyMs: performance.now() - spawned,
    output: () => output,
    stop: () =>
      new Promise<void>((done) => {
        if (exited) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

export type LoadResult = {
  rps: number;
  /** Response bytes (headers and body) per request, as autocannon counted them. */
  bytes: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
};

export async function load(
  url: string,
  options: {
    seconds?: number;
    connections?: number;
    paths?: () => string;
    headers?: Record<string, string>;
  } = {},
): Promise<LoadResult> {
  const { seconds = 5, connections = 50, paths, headers } = options;
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    headers,
    requests: paths ? [{ setupRequest: (request) => ({ ...request, path: paths() }) }] : undefined,
  });
  return {
    rps: result.requests.average,
    bytes: result.requests.total ? result.throughput.total / result.requests.total : 0,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

export interface Summary {
  median: number;
  min: number;
  max: number;
}

export function summarise(values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

/** Runs `measure` n times and summarises each numeric field. */
export async function repeat<T extends Record<string, number>>(
  n: number,
  measure: () => Promise<T>,
): Promise<Record<keyof T, Summary>> {
  const runs: T[] = [];
  for (let i = 0; i < n; i++) runs.push(await measure());
  const keys = Object.keys(runs[0]) as (keyof T)[];
  return Object.fromEntries(keys.map((k) => [k, summarise(runs.map((r) => r[k]))])) as Record<
    keyof T,
    Summary
  >;
}

export function fmt(value: number, digits = 0): string {
  return value.toLocaleString('en-US', {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  });
}

export function range(s: Summary, digits = 0): string {
  return `${fmt(s.median, digits)} (${fmt(s.min, digits)}–${fmt(s.max, digits)})`;
}

export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function machine(): string {
  return `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`;
}

/** The next IPC message of `type` from a child process (a load generator, a server). */
export async function reply<T extends { type: string }, K extends T['type']>(
  child: ChildProcess,
  type: K,
): Promise<Extract<T, { type: K }>> {
  for (;;) {
    const [message] = (await once(child, 'message')) as [T];
    if (message.type === type) return message as Extract<T, { type: K }>;
  }
}

/** The p-th percentile of ascending values (nearest rank). */
export const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
