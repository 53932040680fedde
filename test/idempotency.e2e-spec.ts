// Idempotency-Key leases: a key whose holder died (or lost the database) becomes retryable
// once its lease runs out, instead of answering 409 "still in progress" for a day; a 202 is
// replayed only while its run is alive or once it ended well.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AdvisoryLockService } from '../src/database/advisory-lock.service';
import { CsvProvider } from '../src/ingestion/providers/csv.provider';
import { IngestionRepository } from '../src/ingestion/ingestion.repository';
import type { SyncResultDto } from './support/api-types';
import { clientsFor, type Query } from './support/clients';
import { FakeProviderServer } from './support/fake-provider-server';
import type { TcpProxy } from './support/tcp-proxy';
import { startTestAppBehindDatabaseProxy } from './support/proxied-database';
import { startTestApp, type TestApp } from './support/test-app';
import { serverDatabaseUrl } from './support/test-database';
import { waitFor } from './support/wait-for';

const ADMIN_KEY = 'idempotency-admin-key-0123456789';
/** Short, so the suite is quick; renewals every 667 ms leave room for a busy machine. */
const LEASE_SECONDS = 2;

interface SyncAnswer {
  status: number;
  replayed: boolean;
  retryAfter: string | null;
  /** A sync's result, or a problem's detail. */
  body: Partial<Pick<SyncResultDto, 'run_id' | 'status'>> & { detail?: string };
  text: string;
}

async function post(baseUrl: string, query: Query, key: string): Promise<SyncAnswer> {
  const answer = await clientsFor(baseUrl, { 'X-API-Key': ADMIN_KEY }).ingestion.sync(query, {
    headers: { 'Idempotency-Key': key },
  });
  return {
    status: answer.status,
    replayed: answer.headers.get('idempotent-replayed') === 'true',
    retryAfter: answer.headers.get('retry-after'),
    body: answer.body,
    text: answer.text,
  };
}

describe('Idempotency-Key leases (e2e)', () => {
  let sut: TestApp;
  let db: DataSource;
  const sync = (key: string, query: Query = {}) => post(sut.baseUrl, query, key);

  const runCount = async (): Promise<number> =>
    Number((await db.query<{ n: string }[]>('SELECT count(*) AS n FROM ingestion_runs'))[0].n);

  const runStatus = async (runId: string): Promise<string> =>
    (
      await db.query<{ status: string }[]>('SELECT status FROM ingestion_runs WHERE id = $1', [
        runId,
      ])
    )[0].status;

  /** The request hash a sync with these parameters is stored under (taken from a real one). */
  const requestHashOf = async (query: Query): Promise<string> => {
    const key = `hash-probe-${Math.random().toString(36).slice(2)}`;
    const probe = await sync(key, query);
    expect(probe.status).toBeLessThan(300);
    await waitFor(async () => (await runStatus(probe.body.run_id!)) !== 'running', 'the probe');
    const [row] = await db.query<{ request_hash: string }[]>(
      'SELECT request_hash FROM idempotency_keys WHERE key = $1',
      [key],
    );
    return row.request_hash;
  };

  /** What a holder killed mid-request leaves: the key in progress, a lease nobody renews. */
  const leaveDeadKey = async (key: string, requestHash: string, leaseMs: number) => {
    await db.query(
      `INSERT INTO idempotency_keys (scope, key, request_hash, state, lease_token, lease_expires_at)
       VALUES ('sync', $1, $2, 'in_progress', gen_random_uuid(), now() + $3::int * interval '1 millisecond')`,
      [key, requestHash, leaseMs],
    );
  };

  beforeAll(async () => {
    sut = await startTestApp({
      env: {
        ADMIN_API_KEY: ADMIN_KEY,
        INGESTION_PROVIDERS: 'csv',
        IDEMPOTENCY_LEASE_SECONDS: String(LEASE_SECONDS),
      },
    });
    db = sut.app.get(DataSource);
  });

  afterAll(() => sut.close());

  afterEach(() => jest.restoreAllMocks());

  it('takes over a key left in progress by a dead holder once its lease runs out', async () => {
    const hash = await requestHashOf({});
    await leaveDeadKey('dead-holder-1', hash, 800);

    const meanwhile = await sync('dead-holder-1');
    await new Promise((r) => setTimeout(r, 900));
    const retried = await sync('dead-holder-1');
    const again = await sync('dead-holder-1');

    expect(meanwhile.status).toBe(409);
    expect(meanwhile.body.detail).toContain('still in progress');
    expect(meanwhile.retryAfter).toBe('1');
    expect(retried).toMatchObject({ status: 200, replayed: false, body: { status: 'success' } });
    expect(again).toMatchObject({ status: 200, replayed: true, text: retried.text });
  });

  it('keeps a live holder’s key for longer than a lease: its process renews it', async () => {
    const csv = sut.app.get(CsvProvider);
    const fetchFile = csv.fetch.bind(csv);
    jest.spyOn(csv, 'fetch').mockImplementation(async (signal) => {
      await new Promise((r) => setTimeout(r, 2_500 * LEASE_SECONDS));
      return fetchFile(signal);
    });

    const first = sync('live-holder-1');
    await new Promise((r) => setTimeout(r, 1_800 * LEASE_SECONDS));
    const duringRun = await sync('live-holder-1');
    const answered = await first;
    const afterRun = await sync('live-holder-1');

    expect(duringRun.status).toBe(409);
    expect(duringRun.body.detail).toContain('still in progress');
    expect(answered).toMatchObject({ status: 200, replayed: false });
    expect(afterRun).toMatchObject({ status: 200, replayed: true, text: answered.text });
  });

  it('lets exactly one of many concurrent retries take over an expired key', async () => {
    const hash = await requestHashOf({ limit: 5 });
    await leaveDeadKey('dead-holder-2', hash, 0);
    const runsBefore = await runCount();

    const answers = await Promise.all(
      Array.from({ length: 8 }, () => sync('dead-holder-2', { limit: 5 })),
    );

    const ran = answers.filter((a) => a.status === 200 && !a.replayed);
    expect(ran).toHaveLength(1);
    expect(answers.filter((a) => a !== ran[0]).every((a) => a.status === 409 || a.replayed)).toBe(
      true,
    );
    expect((await runCount()) - runsBefore).toBe(1);
  });

  it('does not replay the 202 of a run that died: the retry starts a new run', async () => {
    const hash = await requestHashOf({ wait: false, limit: 3 });
    const deadRunId = '00000000-0000-4000-8000-000000000001';
    await db.query(
      `INSERT INTO idempotency_keys
         (scope, key, request_hash, state, response_status, response_body, lease_token, lease_expires_at)
       VALUES ('sync', 'dead-run-1', $1, 'completed', 202, $2::json, gen_random_uuid(), now() - interval '1 second')`,
      [hash, JSON.stringify({ run_id: deadRunId, status: 'running' })],
    );

    const retried = await sync('dead-run-1', { wait: false, limit: 3 });

    expect(retried).toMatchObject({ status: 202, replayed: false });
    expect(retried.body.run_id).not.toBe(deadRunId);
    await waitFor(async () => (await runStatus(retried.body.run_id!)) !== 'running', 'the run');
  });

  it('replays a 202 while its run holds its source, and takes the key over once the run’s process is gone', async () => {
    const hash = await requestHashOf({ wait: false, limit: 4 });
    const [{ id: runId }] = await db.query<{ id: string }[]>(
      `INSERT INTO ingestion_runs (source, trigger, status, started_at, details)
       VALUES ('csv', 'manual', 'running', now(), '{}') RETURNING id`,
    );
    const stored = JSON.stringify({ run_id: runId, status: 'running' });
    await db.query(
      `INSERT INTO idempotency_keys
         (scope, key, request_hash, state, response_status, response_body, lease_token, lease_expires_at)
       VALUES ('sync', 'orphan-run-1', $1, 'completed', 202, $2::json, gen_random_uuid(), now() + interval '1 hour')`,
      [hash, stored],
    );
    // The run's process, alive: it holds the source's lock (a real session lock in server mode).
    let die!: () => void;
    let holding!: () => void;
    const held = new Promise<void>((r) => (holding = r));
    const runProcess = sut.app.get(AdvisoryLockService).withLock('ingestion:csv', () => {
      holding();
      return new Promise<void>((r) => (die = r));
    });
    await held;

    const whileAlive = await sync('orphan-run-1', { wait: false, limit: 4 });
    die();
    await runProcess;
    const [afterDeath, racing] = await Promise.all([
      sync('orphan-run-1', { wait: false, limit: 4 }),
      sync('orphan-run-1', { wait: false, limit: 4 }),
    ]);
    const started = [afterDeath, racing].filter((a) => a.status === 202 && !a.replayed);
    await waitFor(async () => (await runStatus(started[0].body.run_id!)) !== 'running', 'the run');

    expect(whileAlive).toMatchObject({ status: 202, replayed: true, text: stored });
    expect(started).toHaveLength(1);
    expect(started[0].body.run_id).not.toBe(runId);
    // The other found the key held by the new run (409) or, if that run's 202 was stored
    // first, got it replayed: never a second run, never the dead run's answer.
    const other = [afterDeath, racing].find((a) => a !== started[0])!;
    const outcome =
      other.status === 409
        ? 'held'
        : `${other.status} ${other.replayed ? 'replayed' : 'fresh'} ${other.body.run_id}`;
    expect(['held', `202 replayed ${started[0].body.run_id}`]).toContain(outcome);
  });

  it('frees a wait=false key whose run failed, and replays one whose run succeeded', async () => {
    jest.spyOn(sut.app.get(CsvProvider), 'fetch').mockRejectedValueOnce(new Error('temporary'));

    const failedStart = await sync('async-1', { wait: false, limit: 2 });
    await waitFor(async () => (await runStatus(failedStart.body.run_id!)) !== 'running', 'run 1');
    // The key is released right after the run is recorded; give that write a moment.
    await waitFor(async () => {
      const rows = await db.query('SELECT 1 FROM idempotency_keys WHERE key = $1', ['async-1']);
      return rows.length === 0;
    }, 'the key released');
    const retried = await sync('async-1', { wait: false, limit: 2 });
    await waitFor(async () => (await runStatus(retried.body.run_id!)) !== 'running', 'run 2');
    await new Promise((r) => setTimeout(r, 1_500 * LEASE_SECONDS)); // past a lease: settled
    const replayed = await sync('async-1', { wait: false, limit: 2 });

    expect(failedStart.status).toBe(202);
    expect(await runStatus(failedStart.body.run_id!)).toBe('failed');
    expect(retried).toMatchObject({ status: 202, replayed: false });
    expect(retried.body.run_id).not.toBe(failedStart.body.run_id);
    expect(await runStatus(retried.body.run_id!)).toBe('success');
    expect(replayed).toMatchObject({ status: 202, replayed: true, text: retried.text });
  });
});

const describeServer = serverDatabaseUrl ? describe : describe.skip;

describeServer('Idempotency-Key after a database outage (server mode, e2e)', () => {
  const provider = new FakeProviderServer();
  const markets = readFileSync(
    join(__dirname, 'fixtures', 'providers', 'coingecko-markets.json'),
    'utf8',
  );
  let proxy: TcpProxy;
  let sut: TestApp;

  beforeAll(async () => {
    const providerUrl = await provider.start();
    ({ sut, proxy } = await startTestAppBehindDatabaseProxy({
      ADMIN_API_KEY: ADMIN_KEY,
      INGESTION_PROVIDERS: 'coingecko',
      COINGECKO_BASE_URL: `${providerUrl}/api/v3`,
      IDEMPOTENCY_LEASE_SECONDS: '2',
    }));
  });

  afterAll(async () => {
    await sut.close();
    await provider.stop();
  });

  it('lets a retry run once the database is back and the lease ran out, not 409 for a day', async () => {
    let release!: () => void;
    provider.script(
      { status: 200, body: JSON.parse(markets), after: new Promise<void>((r) => (release = r)) },
      { status: 200, body: JSON.parse(markets) },
    );
    const first = post(sut.baseUrl, { limit: 10 }, 'outage-1');
    await waitFor(() => provider.requests.length > 0, 'the held fetch');
    await proxy.cut();
    release();
    const failed = await first;
    const repository = sut.app.get(IngestionRepository);
    await proxy.start();
    const back = Date.now();
    await waitFor(() => repository.pendingOutcomeCount === 0, 'the failed run recorded', 15_000);

    const retried = await waitFor(
      async () => {
        const answer = await post(sut.baseUrl, { limit: 10 }, 'outage-1');
        return answer.status === 409 ? undefined : answer;
      },
      'the key to be free',
      10_000,
      100,
    );
    const waitedMs = Date.now() - back;
    console.log(`idempotency: retry after a database outage ran ${waitedMs} ms after it ended`);

    expect(failed.status).toBe(503);
    expect(retried).toMatchObject({ status: 200, replayed: false });
    expect(['success', 'partial']).toContain(retried.body.status);
    expect(waitedMs).toBeLessThan(2_000 + 3_000);
  });
});
