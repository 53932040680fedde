// kill -9 of the built service in the middle of a keyed `wait=true` sync, then a restart on
// the same data: the retry with the same Idempotency-Key must run within the lease (plus a
// margin), not answer 409 "still in progress" for a day.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AppProcess, ready, spawnApp } from './support/app-process';
import { clientsFor, type Query } from './support/clients';
import { FakeProviderServer } from './support/fake-provider-server';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { waitFor } from './support/wait-for';

const ADMIN_KEY = 'idempotency-crash-admin-key-0123456789';
/** Longer than a restart takes, so the retry meets the dead holder's lease still running. */
const LEASE_SECONDS = 4;
const MARKETS = JSON.parse(
  readFileSync(join(__dirname, 'fixtures', 'providers', 'coingecko-markets.json'), 'utf8'),
) as unknown;

function sync(baseUrl: string, key: string, query: Query = {}, timeoutMs = 60_000) {
  return clientsFor(baseUrl, { 'X-API-Key': ADMIN_KEY }).ingestion.sync(
    { limit: 10, ...query },
    { headers: { 'Idempotency-Key': key }, timeoutMs },
  );
}

describe('Idempotency-Key after kill -9 (process e2e)', () => {
  const provider = new FakeProviderServer();
  let dataDir: string;
  let database: TestDatabase;
  let env: Record<string, string>;
  const started: AppProcess[] = [];

  beforeAll(async () => {
    const providerUrl = await provider.start();
    dataDir = mkdtempSync(join(tmpdir(), 'cma-idem-crash-'));
    database = await createTestDatabase();
    env = {
      ...(database.url ? { DATABASE_URL: database.url } : { PGLITE_DATA_DIR: dataDir }),
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info', // spawnApp reads the "ready at" line
      ADMIN_API_KEY: ADMIN_KEY,
      INGESTION_PROVIDERS: 'coingecko',
      COINGECKO_BASE_URL: `${providerUrl}/api/v3`,
      IDEMPOTENCY_LEASE_SECONDS: String(LEASE_SECONDS),
      SYNC_RATE_LIMIT_PER_MINUTE: '1000000', // the retries poll
    };
  });

  // One process at a time: an embedded data directory is locked by the process using it.
  afterEach(async () => {
    for (const app of started.splice(0)) {
      if (app.child.exitCode === null && app.child.signalCode === null) {
        app.child.kill('SIGTERM');
        await app.exited;
      }
    }
  });

  afterAll(async () => {
    await provider.stop();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lets the retry run within the lease after the holder was killed mid-sync', async () => {
    let release!: () => void;
    provider.script(
      { status: 200, body: MARKETS, after: new Promise<void>((r) => (release = r)) },
      { status: 200, body: MARKETS },
    );
    const first = spawnApp(env);
    started.push(first);
    const interrupted = sync(await ready(first), 'crash-1').then(
      (answer) => answer.status,
      (error: Error) => error.message,
    );
    await waitFor(() => provider.requests.length > 0, 'the held provider call');

    first.child.kill('SIGKILL');
    await first.exited;
    const killedAt = Date.now();
    release();
    expect(await interrupted).toBe('fetch failed');

    const second = spawnApp(env);
    started.push(second);
    const baseUrl = await ready(second);
    const readyAt = Date.now();
    let refusals = 0;
    const retried = await waitFor(
      async () => {
        const answer = await sync(baseUrl, 'crash-1', {}, 10_000);
        if (answer.status !== 409) return answer;
        refusals++;
        return undefined;
      },
      'the retry to run',
      30_000,
      100,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\nthe restarted service said:\n${second.output()}`);
    });
    const succeededAt = Date.now();
    const replay = await sync(baseUrl, 'crash-1');
    const mode = database.url ? 'server' : 'embedded';
    console.log(
      `idempotency (${mode}): retry ran ${succeededAt - killedAt} ms after kill -9 ` +
        `(restart ${readyAt - killedAt} ms, then ${succeededAt - readyAt} ms, ${refusals} × 409; ` +
        `lease ${LEASE_SECONDS} s)`,
    );

    expect(retried.status).toBe(200);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    expect(['success', 'partial']).toContain(retried.body.status);
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    // Free once the service is back and the lease it no longer renews ran out, plus a margin.
    const freeAt = Math.max(readyAt, killedAt + LEASE_SECONDS * 1_000);
    expect(succeededAt - freeAt).toBeLessThan(3_000);
  }, 120_000);

  it('does not replay the 202 of a wait=false run killed with its process', async () => {
    let release!: () => void;
    provider.script(
      { status: 200, body: MARKETS, after: new Promise<void>((r) => (release = r)) },
      { status: 200, body: MARKETS },
    );
    // A lease far longer than the test: the run's death, not the lease, must free the key.
    const longLease = { ...env, IDEMPOTENCY_LEASE_SECONDS: '600' };
    const first = spawnApp(longLease);
    started.push(first);
    const firstUrl = await ready(first);
    const accepted = await sync(firstUrl, 'crash-async-1', { wait: false });
    await waitFor(() => provider.requests.length > 0, 'the held provider call');
    const whileAlive = await sync(firstUrl, 'crash-async-1', { wait: false });

    first.child.kill('SIGKILL');
    await first.exited;
    const killedAt = Date.now();
    release();
    const second = spawnApp(longLease);
    started.push(second);
    const baseUrl = await ready(second);
    const readyAt = Date.now();
    const retried = await sync(baseUrl, 'crash-async-1', { wait: false });
    const answeredAt = Date.now();
    const mode = database.url ? 'server' : 'embedded';
    console.log(
      `idempotency (${mode}): wait=false retry after kill -9 started a new run ` +
        `${answeredAt - killedAt} ms after the kill (restart ${readyAt - killedAt} ms)`,
    );

    expect(accepted.status).toBe(202);
    expect(whileAlive.status).toBe(202);
    expect(whileAlive.headers.get('idempotent-replayed')).toBe('true');
    expect(whileAlive.text).toBe(accepted.text);
    // The very first retry after the restart, 10 minutes before the dead holder's lease ends.
    expect(retried.status).toBe(202);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    expect(retried.body.run_id).not.toBe(accepted.body.run_id);
  }, 120_000);
});
