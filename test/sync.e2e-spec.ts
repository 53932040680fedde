import { DataSource } from 'typeorm';
import { ApiKeysService } from '../src/auth/api-keys.service';
import { CsvProvider } from '../src/ingestion/providers/csv.provider';
import { clientsFor, type Problem, PROBLEM_JSON, type Query } from './support/clients';
import { startTestApp, type TestApp } from './support/test-app';

const ADMIN_KEY = 'test-admin-key-0123456789abcdef';

describe('POST /api/v1/cryptocurrencies/sync (e2e)', () => {
  let sut: TestApp;
  const { api, ingestion } = clientsFor(() => sut.baseUrl);
  const admin = clientsFor(() => sut.baseUrl, { 'X-API-Key': ADMIN_KEY });

  const waitForRun = async (runId: string): Promise<string> => {
    for (let i = 0; i < 100; i++) {
      const { status } = (await ingestion.run(runId)).body;
      if (status !== 'running') return status;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`run ${runId} still running after 5 s`);
  };

  const sync = (
    query: Query = {},
    key: string | null = ADMIN_KEY,
    headers: Record<string, string> = {},
  ) =>
    ingestion.sync(query, {
      headers: { ...(key === null ? {} : { 'X-API-Key': key }), ...headers },
    });

  beforeAll(async () => {
    sut = await startTestApp({ env: { ADMIN_API_KEY: ADMIN_KEY, INGESTION_PROVIDERS: 'csv' } });
  });

  afterAll(async () => {
    await sut.close();
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('runs a sync for an admin key and reports what it wrote', async () => {
    const response = await sync({ provider: 'csv' });
    const body = response.body;

    expect(response.status).toBe(200);
    expect(body).toMatchObject({
      provider: 'csv',
      status: 'success',
      created_count: expect.any(Number),
      updated_count: 0,
      skipped_count: 0,
      run_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(body.created_count).toBeGreaterThanOrEqual(20);
  });

  describe('authorization (deny by default)', () => {
    it('answers 401 without a key, naming the header', async () => {
      const response = await sync({}, null);

      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toMatch(PROBLEM_JSON);
      expect(response.headers.get('www-authenticate')).toContain('X-API-Key');
    });

    it('answers 401 for an unknown or revoked key', async () => {
      const key = (await sut.app.get(ApiKeysService).create('soon-revoked', 'admin')).key;
      expect((await sync({}, key)).status).toBe(200);
      const [{ id }] = await sut.app
        .get(DataSource)
        .query<{ id: string }[]>(`SELECT id FROM api_keys WHERE name = 'soon-revoked'`);
      await sut.app.get(ApiKeysService).revoke(id);

      expect((await sync({}, 'not-a-key')).status).toBe(401);
      expect((await sync({}, key)).status).toBe(401);
    });

    it('answers 403 for a key without the admin role', async () => {
      const key = (await sut.app.get(ApiKeysService).create('partner-1', 'partner')).key;

      const response = await sync({}, key);

      expect(response.status).toBe(403);
      expect((response.body as unknown as Problem).detail).toContain('admin');
    });

    it('stores only hashes, and records when a key was last used', async () => {
      const key = (await sut.app.get(ApiKeysService).create('ops', 'admin')).key;
      await sync({}, key);

      const [row] = await sut.app
        .get(DataSource)
        .query<{ key_hash: string; key_prefix: string; last_used_at: Date | null }[]>(
          `SELECT key_hash, key_prefix, last_used_at FROM api_keys WHERE name = 'ops'`,
        );
      expect(row.key_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(row.key_hash).not.toContain(key);
      expect(key.startsWith(row.key_prefix)).toBe(true);
      await new Promise((r) => setTimeout(r, 100));
      const [used] = await sut.app
        .get(DataSource)
        .query<{ last_used_at: Date | null }[]>(
          `SELECT last_used_at FROM api_keys WHERE name = 'ops'`,
        );
      expect(used.last_used_at).not.toBeNull();
    });

    it('refuses other methods on the admin route: 405 with Allow, and runs nothing', async () => {
      const runsBefore = await sut.app
        .get(DataSource)
        .query<unknown[]>('SELECT id FROM ingestion_runs');
      for (const method of ['PUT', 'PATCH', 'DELETE']) {
        const response = await admin.api.request(method, '/api/v1/cryptocurrencies/sync', {
          query: { source: 'csv' },
        });

        expect(response.status).toBe(405);
        expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(response.headers.get('allow')).toContain('POST');
        expect(response.body).toMatchObject({ status: 405, code: 'method_not_allowed' });
      }
      // GET would match the symbol route (`/cryptocurrencies/{symbol}`): it is refused, not a 404.
      const get = await admin.api.get('/api/v1/cryptocurrencies/sync');
      expect(get.status).toBe(405);
      expect(get.headers.get('allow')).toBe('POST');
      expect(get.body).toMatchObject({ status: 405, code: 'method_not_allowed' });
      const put = await api.request('PUT', '/api/v1/cryptocurrencies/sync');
      expect(put.headers.get('allow')).not.toContain('GET');
      expect(
        await sut.app.get(DataSource).query<unknown[]>('SELECT id FROM ingestion_runs'),
      ).toHaveLength(runsBefore.length);
    });

    it('answers 404, not 405, for a path no method has', async () => {
      const response = await api.delete('/api/v1/nothing-here');

      expect(response.status).toBe(404);
      expect(response.headers.get('allow')).toBeNull();
    });
  });

  describe('with a JSON body', () => {
    const syncWithBody = (body: unknown, query: Query = {}) =>
      admin.ingestion.sync(query, { body });

    it('reads the body like the query: a provider named there is the one run', async () => {
      const unknown = await syncWithBody({ provider: 'nope' });
      expect(unknown.status).toBe(400);
      expect((unknown.body as unknown as Problem).detail).toContain('Enabled: csv');

      const started = await syncWithBody({ provider: 'csv', wait: false });
      expect(started.status).toBe(202);
      const run = started.body;
      expect(run.provider).toBe('csv');
      await waitForRun(run.run_id);
    });

    it('refuses a field given in query and body with different values, and unknown fields', async () => {
      const conflicting = await syncWithBody({ provider: 'csv' }, { provider: 'coingecko' });
      expect(conflicting.status).toBe(400);
      expect(conflicting.body).toMatchObject({
        code: 'validation_failed',
        errors: [{ field: 'provider' }],
      });

      const unknownField = await syncWithBody({ source: 'csv' });
      expect(unknownField.status).toBe(400);
      expect(
        await sut.app
          .get(DataSource)
          .query<unknown[]>(`SELECT id FROM ingestion_runs WHERE source <> 'csv'`),
      ).toHaveLength(0);
    });
  });

  it('answers 400 naming the enabled providers for an unknown one', async () => {
    const response = await sync({ provider: 'kraken' });
    const body = response.body as unknown as Problem;

    expect(response.status).toBe(400);
    expect(body.detail).toContain('Enabled: csv');
    expect(body.errors?.[0].field).toBe('provider');
  });

  it('answers 202 with the run id at once when wait=false', async () => {
    const response = await sync({ wait: false });
    const body = response.body;

    expect(response.status).toBe(202);
    expect(body.status).toBe('running');
    expect(await waitForRun(body.run_id)).toBe('success');
  });

  it('answers 409 to a concurrent sync of the same source', async () => {
    const csv = sut.app.get(CsvProvider);
    const fetchFile = csv.fetch.bind(csv);
    jest.spyOn(csv, 'fetch').mockImplementation(async (signal) => {
      await new Promise((r) => setTimeout(r, 300));
      return fetchFile(signal);
    });

    const [first, second] = await Promise.all([
      sync(),
      new Promise((r) => setTimeout(r, 50)).then(() => sync()),
    ]);

    expect([first.status, second.status]).toEqual([200, 409]);
  });

  it('answers 502 with the run id when the source fails, and 504 when it times out', async () => {
    const csv = sut.app.get(CsvProvider);
    jest.spyOn(csv, 'fetch').mockRejectedValueOnce(new Error('connect ECONNREFUSED'));
    const failed = await sync();
    jest
      .spyOn(csv, 'fetch')
      .mockRejectedValueOnce(
        new DOMException('The operation was aborted due to timeout', 'TimeoutError'),
      );
    const timedOut = await sync();

    const failedBody = failed.body as unknown as Problem;
    expect(failed.status).toBe(502);
    expect(failedBody.detail).toContain('ECONNREFUSED');
    expect(failedBody.run_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(timedOut.status).toBe(504);
  });

  describe('Idempotency-Key', () => {
    it('replays the stored response to a retry without calling the provider again', async () => {
      const fetchFile = jest.spyOn(sut.app.get(CsvProvider), 'fetch');

      const first = await sync({}, ADMIN_KEY, { 'Idempotency-Key': 'retry-1' });
      const retry = await sync({}, ADMIN_KEY, { 'Idempotency-Key': 'retry-1' });

      expect(first.status).toBe(200);
      expect(retry.status).toBe(200);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      // The same bytes, keys in the same order: the stored response, not a re-encoding of it.
      expect(retry.text).toBe(first.text);
      expect(fetchFile).toHaveBeenCalledTimes(1);
    });

    it('answers 409 to a duplicate sent while the first is running, and to a key reused with other parameters', async () => {
      const csv = sut.app.get(CsvProvider);
      const fetchFile = csv.fetch.bind(csv);
      jest.spyOn(csv, 'fetch').mockImplementation(async (signal) => {
        await new Promise((r) => setTimeout(r, 300));
        return fetchFile(signal);
      });

      const [first, duplicate] = await Promise.all([
        sync({}, ADMIN_KEY, { 'Idempotency-Key': 'dup-1' }),
        new Promise((r) => setTimeout(r, 50)).then(() =>
          sync({}, ADMIN_KEY, { 'Idempotency-Key': 'dup-1' }),
        ),
      ]);
      const reused = await sync({ wait: false }, ADMIN_KEY, { 'Idempotency-Key': 'dup-1' });

      expect([first.status, duplicate.status]).toEqual([200, 409]);
      expect((duplicate.body as unknown as Problem).detail).toContain('still in progress');
      expect(reused.status).toBe(409);
      expect((reused.body as unknown as Problem).detail).toContain('other parameters');
    });

    it('frees the key when the request fails, so a retry runs', async () => {
      jest.spyOn(sut.app.get(CsvProvider), 'fetch').mockRejectedValueOnce(new Error('temporary'));

      const failed = await sync({}, ADMIN_KEY, { 'Idempotency-Key': 'fail-1' });
      const retried = await sync({}, ADMIN_KEY, { 'Idempotency-Key': 'fail-1' });

      expect(failed.status).toBe(502);
      expect(retried.status).toBe(200);
      expect(retried.headers.get('idempotent-replayed')).toBeNull();
    });

    it('rejects a malformed key', async () => {
      const response = await sync({}, ADMIN_KEY, { 'Idempotency-Key': 'x'.repeat(201) });

      expect(response.status).toBe(400);
    });
  });
});
