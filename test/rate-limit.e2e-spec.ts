import { randomBytes } from 'node:crypto';
import { ApiKeysService } from '../src/auth/api-keys.service';
import { type Answer, clientsFor } from './support/clients';
import { TcpProxy, reachable } from './support/tcp-proxy';
import { serverRedisUrl, startTestApp, startTestCluster, type TestApp } from './support/test-app';
import { serverDatabaseUrl } from './support/test-database';
import { waitFor } from './support/wait-for';

const ADMIN_KEY = 'rate-limit-suite-admin-key-0123456789';

/** An app's clients, sending these headers (a key, a forwarded address) on every request. */
const as = (app: TestApp, headers: Record<string, string> = {}) => clientsFor(app.baseUrl, headers);

/** GET / until it is refused; returns how many got through. */
async function exhaust(app: TestApp, headers: Record<string, string> = {}) {
  const { service } = as(app, headers);
  for (let allowed = 0; allowed < 1_000; allowed++) {
    if ((await service.info()).status === 429) return allowed;
  }
  throw new Error('never limited');
}

describe('Rate limiting (e2e)', () => {
  describe('one instance', () => {
    let sut: TestApp;
    let partnerKey: string;
    let readerKey: string;

    beforeAll(async () => {
      sut = await startTestApp({
        env: {
          RATE_LIMIT_PER_MINUTE: '5',
          PARTNER_RATE_LIMIT_PER_MINUTE: '9',
          SYNC_RATE_LIMIT_PER_MINUTE: '2',
          ADMIN_API_KEY: ADMIN_KEY,
          INGESTION_PROVIDERS: 'csv',
        },
      });
      partnerKey = (await sut.app.get(ApiKeysService).create('partner-app', 'partner')).key;
      readerKey = (await sut.app.get(ApiKeysService).create('reader-app', 'reader')).key;
    });

    afterAll(async () => {
      await sut.close();
    });

    // Each test counts against its own client: an address in X-Forwarded-For is not one
    // (TRUST_PROXY is off), so tests that need a fresh allowance use a fresh API key.
    it('announces the limit on every response, in X-RateLimit-* and the IETF fields', async () => {
      const key = (await sut.app.get(ApiKeysService).create(`headers-${Date.now()}`, 'reader')).key;
      const { service, market } = as(sut, { 'x-api-key': key });
      const first = await service.info();
      const second = await market.list({ limit: 1 });

      expect(first.status).toBe(200);
      expect(first.headers.get('x-ratelimit-limit')).toBe('5');
      expect(first.headers.get('x-ratelimit-remaining')).toBe('4');
      expect(Number(first.headers.get('x-ratelimit-reset'))).toBeGreaterThan(0);
      expect(Number(first.headers.get('x-ratelimit-reset'))).toBeLessThanOrEqual(60);
      expect(first.headers.get('ratelimit-policy')).toBe('"default";q=5;w=60');
      expect(first.headers.get('ratelimit')).toMatch(/^"default";r=4;t=\d+$/);
      // One allowance per client across routes, not one per route.
      expect(second.headers.get('x-ratelimit-remaining')).toBe('3');
    });

    it('refuses the request after the limit with 429 problem+json and Retry-After', async () => {
      const key = (await sut.app.get(ApiKeysService).create(`refuse-${Date.now()}`, 'reader')).key;
      const allowed = await exhaust(sut, { 'x-api-key': key });
      const refused = await as(sut, { 'x-api-key': key }).market.list();
      const problem = refused.body as unknown as Record<string, unknown>;

      expect(allowed).toBe(5);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(problem).toMatchObject({
        status: 429,
        error: 'Rate limit exceeded',
        code: 'rate_limited',
        policy: 'default',
        limit: 5,
        window_seconds: 60,
      });
      expect(problem.retry_after).toBe(Number(refused.headers.get('retry-after')));
      expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    });

    it('counts requests to unknown paths too, and refuses them past the limit', async () => {
      const key = (await sut.app.get(ApiKeysService).create(`unrouted-${Date.now()}`, 'reader'))
        .key;
      const { api, market } = as(sut, { 'x-api-key': key });
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await api.get(`/no/such/path/${i}`)).status);
      const refused = await api.get('/no/such/path/again');
      const refusedRoute = await market.list({ limit: 1 });

      expect(statuses).toEqual([404, 404, 404, 404, 404]);
      for (const response of [refused, refusedRoute]) {
        expect(response.status).toBe(429);
        expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      }
      expect(refused.body).toMatchObject({ code: 'rate_limited', limit: 5 });
    });

    it('never limits health probes and metrics', async () => {
      const { health, service } = as(sut);
      for (let i = 0; i < 12; i++) {
        for (const probe of [() => health.live(), () => health.ready(), () => service.metrics()]) {
          const response: Answer = await probe();
          expect(response.status).toBe(200);
          expect(response.headers.get('x-ratelimit-limit')).toBeNull();
        }
      }
    });

    it('gives partner keys their higher limit', async () => {
      expect(await exhaust(sut, { 'x-api-key': partnerKey })).toBe(9);
    });

    it('counts a key that does not verify against the address, so random keys buy nothing', async () => {
      const ip = await exhaust(sut, {
        'x-api-key': `bogus-${randomBytes(8).toString('hex')}`,
      });
      const another = await as(sut, {
        'x-api-key': `bogus-${randomBytes(8).toString('hex')}`,
      }).service.info();
      const spoofed = await as(sut, { 'x-forwarded-for': '203.0.113.9' }).service.info();
      const withKey = await as(sut, { 'x-api-key': readerKey }).service.info();

      expect(ip).toBeLessThanOrEqual(5);
      expect(another.status).toBe(429);
      // Without TRUST_PROXY a forwarded address is not the client's.
      expect(spoofed.status).toBe(429);
      // A real key is its own client, with its own allowance.
      expect(withKey.status).toBe(200);
    });

    it('limits admin sync separately (SYNC_RATE_LIMIT_PER_MINUTE), on top of the default', async () => {
      const { ingestion } = as(sut, { 'x-api-key': ADMIN_KEY });
      const statuses: number[] = [];
      let last: Answer | undefined;
      for (let i = 0; i < 3; i++) {
        last = await ingestion.sync({ provider: 'csv' });
        statuses.push(last.status);
      }

      expect(statuses).toEqual([200, 200, 429]);
      expect(last!.headers.get('x-ratelimit-limit-sync')).toBe('2');
      expect(last!.headers.get('ratelimit-policy')).toBe('"default";q=5;w=60, "sync";q=2;w=60');
    });
  });

  describe('behind a proxy (TRUST_PROXY=true)', () => {
    let sut: TestApp;

    beforeAll(async () => {
      sut = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '2', TRUST_PROXY: 'true' } });
    });

    afterAll(async () => {
      await sut.close();
    });

    it('counts each forwarded client address on its own', async () => {
      expect(await exhaust(sut, { 'x-forwarded-for': '198.51.100.1' })).toBe(2);
      expect(await exhaust(sut, { 'x-forwarded-for': '198.51.100.2' })).toBe(2);
    });

    it('counts CORS preflights against the address that sends them', async () => {
      const client = { 'x-forwarded-for': '198.51.100.3' };
      const { market } = as(sut, client);
      const preflight = () =>
        market.listOptions({
          headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' },
        });
      expect((await preflight()).status).toBe(204);
      expect((await preflight()).status).toBe(204);
      // Counted once answered: give the count its moment.
      await new Promise((resolve) => setTimeout(resolve, 100));

      expect((await market.list({ limit: 1 })).status).toBe(429);
    });
  });

  const describeServer = serverDatabaseUrl && serverRedisUrl ? describe : describe.skip;

  describeServer('two instances on one Redis (server mode)', () => {
    let first: TestApp;
    let second: TestApp;

    let cluster: Awaited<ReturnType<typeof startTestCluster>>;

    beforeAll(async () => {
      // Same key prefix: one deployment of two instances.
      cluster = await startTestCluster({
        RATE_LIMIT_PER_MINUTE: '100',
        REDIS_KEY_PREFIX: `test-rl-${randomBytes(4).toString('hex')}`,
      });
      ({ first, second } = cluster);
    });

    afterAll(() => cluster.close());

    it('lets exactly the limit through out of 1,000 concurrent requests spread over both', async () => {
      const key = (await first.app.get(ApiKeysService).create('cluster-client', 'reader')).key;
      const statuses = await Promise.all(
        Array.from({ length: 1_000 }, (_, i) =>
          as(i % 2 ? first : second, { 'x-api-key': key })
            .service.info()
            .then((answer) => answer.status),
        ),
      );

      expect(statuses.filter((s) => s === 200)).toHaveLength(100);
      expect(statuses.filter((s) => s === 429)).toHaveLength(900);
    });
  });

  describe('when the counter store (Redis) goes away', () => {
    const target = new URL(serverRedisUrl ?? 'redis://127.0.0.1:6379');
    let redisAvailable = false;
    let proxy: TcpProxy;
    let sut: TestApp;

    beforeAll(async () => {
      redisAvailable = await reachable(target.hostname, Number(target.port || 6379));
      if (!redisAvailable) {
        console.warn(`skipping the rate-limit outage test: no Redis at ${target.host}`);
        return;
      }
      proxy = new TcpProxy(target.hostname, Number(target.port || 6379));
      const port = await proxy.start();
      sut = await startTestApp({
        env: { REDIS_URL: `redis://127.0.0.1:${port}`, RATE_LIMIT_PER_MINUTE: '1000' },
      });
    });

    afterAll(async () => {
      if (!redisAvailable) return;
      await sut.close();
      await proxy.stop();
    });

    it('fails open: requests keep being served, quickly, and limits return with Redis', async () => {
      if (!redisAvailable) return;
      expect((await as(sut).service.info()).headers.get('x-ratelimit-limit')).toBe('1000');

      await proxy.cut();
      for (let i = 0; i < 5; i++) {
        const started = Date.now();
        const response = await as(sut).service.info();
        expect(response.status).toBe(200);
        expect(Date.now() - started).toBeLessThan(2_000);
      }

      await proxy.start();
      await waitFor(
        async () => (await as(sut).service.info()).headers.get('x-ratelimit-limit') === '1000',
        'rate limits to come back with Redis',
      );
    });
  });
});
