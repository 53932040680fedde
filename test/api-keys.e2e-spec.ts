import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { clientsFor } from './support/clients';
import { serverRedisUrl, startTestApp, startTestCluster, type TestApp } from './support/test-app';
import { serverDatabaseUrl } from './support/test-database';
import { waitFor } from './support/wait-for';

const ADMIN_KEY = 'api-keys-suite-admin-key-0123456789';
/** The admin key routes as the holder of `key` calls them ('' sends an empty key). */
const keysClient = (app: TestApp, key = ADMIN_KEY) =>
  clientsFor(app.baseUrl, { 'x-api-key': key }).apiKeys;

/** Issues a key that must succeed; returns its body (with the secret). */
async function issue(app: TestApp, name: string, role: string, extra: object = {}) {
  const { status, body } = await keysClient(app).create({ name, role, ...extra });
  expect(status).toBe(201);
  return body;
}

describe('API keys over the admin API (e2e)', () => {
  let sut: TestApp;
  let admin: ReturnType<typeof keysClient>;

  beforeAll(async () => {
    sut = await startTestApp({ env: { ADMIN_API_KEY: ADMIN_KEY } });
    admin = keysClient(sut);
  });

  afterAll(async () => {
    await sut.close();
  });

  it('issues a key whose secret is shown once and works at once', async () => {
    const { status, headers, body } = await admin.create({ name: 'dashboard-team', role: 'admin' });

    expect(status).toBe(201);
    expect(headers.get('cache-control')).toBe('no-store');
    expect(body).toMatchObject({
      name: 'dashboard-team',
      role: 'admin',
      status: 'active',
      expires_at: null,
      key: expect.stringMatching(/^cma_[\w-]{43}$/),
    });
    expect(body.key.startsWith(body.key_prefix)).toBe(true);
    expect((await keysClient(sut, body.key).list()).status).toBe(200);
  });

  it('lists keys without their secrets, with when each was last used', async () => {
    const issued = await issue(sut, 'listed-reader', 'reader');
    expect((await clientsFor(sut.baseUrl, { 'x-api-key': issued.key }).api.get('/')).status).toBe(
      200,
    );

    const listed = await waitFor(async () => {
      const item = (await admin.list()).body.items.find((k) => k.id === issued.id);
      return item?.last_used_at ? item : undefined;
    }, 'last_used_at to be recorded');

    expect(listed).toMatchObject({ name: 'listed-reader', role: 'reader', status: 'active' });
    expect(JSON.stringify((await admin.list()).body)).not.toContain(issued.key.slice(12));
    expect(Object.keys(listed).sort()).toEqual(
      [
        'created_at',
        'expires_at',
        'id',
        'key_prefix',
        'last_used_at',
        'name',
        'revoked_at',
        'role',
        'status',
      ].sort(),
    );
  });

  it('revokes a key at once: refused on the next request, listed only on request', async () => {
    const issued = await issue(sut, 'short-lived-admin', 'admin');
    expect((await keysClient(sut, issued.key).list()).status).toBe(200);

    const revoked = await admin.revoke(issued.id);
    expect({ status: revoked.status, text: revoked.text }).toEqual({ status: 204, text: '' });

    expect((await keysClient(sut, issued.key).list()).status).toBe(401);
    expect((await admin.list()).body.items.map((k) => k.id)).not.toContain(issued.id);
    const all = (await admin.list({ include_revoked: true })).body.items;
    expect(all.find((k) => k.id === issued.id)).toMatchObject({
      status: 'revoked',
      revoked_at: expect.any(String),
    });
    expect((await admin.revoke(issued.id)).status).toBe(404);
    // The name is free again once its key is revoked.
    expect((await admin.create({ name: 'short-lived-admin', role: 'reader' })).status).toBe(201);
  });

  it('stops accepting a key when it expires', async () => {
    const issued = await issue(sut, 'expiring', 'admin', {
      expires_at: new Date(Date.now() + 1_500).toISOString(),
    });
    expect((await keysClient(sut, issued.key).list()).status).toBe(200);

    await waitFor(
      async () => (await keysClient(sut, issued.key).list()).status === 401,
      'the key to expire',
    );

    const listed = (await admin.list()).body.items.find((k) => k.id === issued.id);
    expect(listed).toMatchObject({ status: 'expired' });
  });

  it.each([
    [{ name: 'x', role: 'root' }, 'role', 'role must be one of: admin, partner, reader'],
    [{ name: 'has space', role: 'reader' }, 'name', 'name must be 1 to 100'],
    [{ role: 'reader' }, 'name', 'name must be a string'],
    [{ name: 'past', role: 'reader', expires_at: '2020-01-01T00:00:00Z' }, 'expires_at', 'future'],
    [{ name: 'bad-date', role: 'reader', expires_at: 'tomorrow' }, 'expires_at', 'ISO 8601'],
    [{ name: 'extra', role: 'reader', key: 'chosen' }, 'key', 'should not exist'],
  ])('refuses %j with a 400 naming %s', async (body, field, message) => {
    const { status, body: problem } = await admin.create(body);

    expect(status).toBe(400);
    expect(problem).toMatchObject({
      status: 400,
      errors: [{ field, message: expect.stringContaining(message) }],
    });
  });

  it('refuses a second active key of the same name with 409', async () => {
    await issue(sut, 'unique-name', 'reader');

    const { status, body } = await admin.create({ name: 'unique-name', role: 'admin' });

    expect(status).toBe(409);
    expect(body).toMatchObject({ code: 'conflict' });
  });

  it('answers 400 for an id that is not a UUID, 404 for an unknown one', async () => {
    expect((await admin.revoke('not-a-uuid')).status).toBe(400);
    expect((await admin.revoke('2b1b7f0e-8d4e-4c1a-9f55-2a6c3b9d0e11')).status).toBe(404);
  });

  it('is for admins only: 401 without a key, 403 for other roles, on every route', async () => {
    const reader = await issue(sut, 'only-a-reader', 'reader');

    expect((await keysClient(sut, '').list()).status).toBe(401);
    expect((await keysClient(sut, reader.key).list()).status).toBe(403);
    expect(
      (await keysClient(sut, reader.key).create({ name: 'sneaky', role: 'admin' })).status,
    ).toBe(403);
    expect((await keysClient(sut, reader.key).revoke(reader.id)).status).toBe(403);
  });

  it('stores only the hash of a key', async () => {
    const issued = await issue(sut, 'hash-only', 'reader');

    const rows = await sut.app
      .get(DataSource)
      .query<Record<string, unknown>[]>(`SELECT * FROM api_keys WHERE id = $1`, [issued.id]);

    expect(JSON.stringify(rows)).not.toContain(issued.key.slice(12));
  });
});

const describeServer = serverDatabaseUrl && serverRedisUrl ? describe : describe.skip;

describeServer('API key revocation across instances (server mode)', () => {
  let first: TestApp;
  let second: TestApp;

  let cluster: Awaited<ReturnType<typeof startTestCluster>>;

  beforeAll(async () => {
    cluster = await startTestCluster({
      ADMIN_API_KEY: ADMIN_KEY,
      RATE_LIMIT_PER_MINUTE: '1000',
      PARTNER_RATE_LIMIT_PER_MINUTE: '5000',
      REDIS_KEY_PREFIX: `test-keys-${randomBytes(4).toString('hex')}`,
    });
    ({ first, second } = cluster);
  });

  afterAll(() => cluster.close());

  it('ends a revoked key on the other instance at once, its rate-limit tier included', async () => {
    const partner = await issue(first, 'partner-app', 'partner');
    const limitOnSecond = async () =>
      (await clientsFor(second.baseUrl, { 'x-api-key': partner.key }).api.get('/')).headers.get(
        'x-ratelimit-limit',
      );
    expect(await limitOnSecond()).toBe('5000'); // verified and remembered by the second instance

    expect((await keysClient(first).revoke(partner.id)).status).toBe(204);

    // The announcement travels through Redis: allow it its round trip, not the cache's minute.
    await waitFor(
      async () => (await limitOnSecond()) === '1000',
      'the revocation to reach the second instance',
      2_000,
    );
  });
});
