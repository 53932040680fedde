// npm run bench:startup — cold start of the built service (node dist/src/main.js, as
// `npm run start:prod`): from spawning the process until GET /health/ready answers 200 (the
// database answered), polled every 10 ms. Server mode (PostgreSQL + Redis) against an already
// migrated database; embedded mode (PGlite) on an existing data directory, and on a fresh one
// (first start: the database is created and every migration runs). The reference is a bare
// Fastify + ioredis process to its first answer. `npm run bench` imports `measureStartup`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DIST,
  REDIS_URL,
  createBenchDatabase,
  machine,
  range,
  serviceEnv,
  startServer,
  summarise,
  table,
  type Summary,
} from './support/harness';

export interface StartupOptions {
  runs: number;
}

export interface StartupResults {
  bare: Summary;
  server: Summary;
  embedded: Summary;
  embeddedFirst: Summary;
}

const POLL = { pollMs: 10, requireOk: true };

/** ms from spawn to ready, `runs` times, each process stopped before the next starts. */
async function timeStarts(
  runs: number,
  start: (run: number) => Promise<{ readyMs: number; stop(): Promise<void> }>,
): Promise<Summary> {
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const server = await start(run);
    times.push(server.readyMs);
    await server.stop();
  }
  return summarise(times);
}

const startService = (env: Record<string, string>) =>
  startServer(env, undefined, '/health/ready', POLL);

export async function measureStartup(options: StartupOptions): Promise<StartupResults> {
  const { runs } = options;
  const bareScript = join(DIST, 'bench', 'support', 'bare-server.js');
  const bare = await timeStarts(runs, () =>
    startServer({ REDIS_URL, BARE_KEY: 'bench-startup' }, bareScript, '/price', {
      pollMs: 10,
    }),
  );

  const database = await createBenchDatabase();
  let server: Summary;
  try {
    const env = serviceEnv(database);
    await (await startService(env)).stop(); // migrates the database, untimed
    server = await timeStarts(runs, () => startService(env));
  } finally {
    await database.drop();
  }

  const dirs: string[] = [];
  const freshDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'cma-bench-pglite-'));
    dirs.push(dir);
    return dir;
  };
  try {
    const existing = { ...serviceEnv(), PGLITE_DATA_DIR: freshDir() };
    await (await startService(existing)).stop(); // creates and migrates the directory, untimed
    const embedded = await timeStarts(runs, () => startService(existing));
    const embeddedFirst = await timeStarts(runs, () =>
      startService({ ...serviceEnv(), PGLITE_DATA_DIR: freshDir() }),
    );
    return { bare, server, embedded, embeddedFirst };
  } finally {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const runs = Number(process.env.BENCH_RUNS ?? 5);
  const r = await measureStartup({ runs });
  console.log(`\n### bench:startup — ${new Date().toISOString()} — ${machine()}`);
  console.log(`\nspawn → GET /health/ready 200, ${runs} runs (median, min–max)\n`);
  console.log(
    table(
      ['process', 'ms'],
      [
        ['bare Fastify + ioredis, to its first answer (reference)', range(r.bare)],
        ['service, server mode (PostgreSQL + Redis), migrated database', range(r.server)],
        ['service, embedded PGlite, existing data directory', range(r.embedded)],
        ['service, embedded PGlite, first start (empty directory)', range(r.embeddedFirst)],
      ],
    ),
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
