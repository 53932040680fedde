import { clientsFor } from './support/clients';
import { TcpProxy, reachable } from './support/tcp-proxy';
import { startTestAppBehindDatabaseProxy } from './support/proxied-database';
import { startTestApp, type TestApp } from './support/test-app';
import { serverDatabaseUrl } from './support/test-database';

const LOCAL_REDIS = new URL(process.env.REDIS_URL || 'redis://127.0.0.1:6379');

async function getHealth(app: TestApp) {
  const started = Date.now();
  const { status, body } = await clientsFor(app.baseUrl).health.report();
  return { status, body, ms: Date.now() - started };
}

async function eventually<T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  ms: number,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last = await probe();
  while (!accept(last) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    last = await probe();
  }
  return last;
}

describe('Health (e2e)', () => {
  it('reports ok with per-dependency status and timings', async () => {
    const sut = await startTestApp();
    try {
      const { status, body } = await getHealth(sut);

      expect(status).toBe(200);
      expect(body).toMatchObject({
        status: 'ok',
        database: 'connected',
        services: {
          postgresql: 'healthy',
          redis: process.env.REDIS_URL ? 'healthy' : 'not configured',
        },
        checks: { postgresql: { status: 'up', mode: serverDatabaseUrl ? 'server' : 'embedded' } },
      });
      expect(body.checks.postgresql.response_time_ms).toEqual(expect.any(Number));
      expect(body.request_id).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await sut.close();
    }
  });

  it('answers liveness and readiness for orchestrators', async () => {
    const sut = await startTestApp();
    try {
      const { health } = clientsFor(sut.baseUrl);
      const live = await health.live();
      const ready = await health.ready();

      expect(live.status).toBe(200);
      expect(live.body).toMatchObject({ status: 'ok' });
      expect(ready.status).toBe(200);
      expect(ready.body).toMatchObject({
        status: 'ok',
        checks: { postgresql: { status: 'up' } },
      });
    } finally {
      await sut.close();
    }
  });

  describe('when Redis goes away', () => {
    let redisAvailable = false;
    let proxy: TcpProxy;
    let sut: TestApp;

    beforeAll(async () => {
      redisAvailable = await reachable(LOCAL_REDIS.hostname, Number(LOCAL_REDIS.port || 6379));
      if (!redisAvailable) {
        console.warn(`skipping Redis outage tests: no Redis at ${LOCAL_REDIS.host}`);
        return;
      }
      proxy = new TcpProxy(LOCAL_REDIS.hostname, Number(LOCAL_REDIS.port || 6379));
      const port = await proxy.start();
      sut = await startTestApp({ env: { REDIS_URL: `redis://127.0.0.1:${port}` } });
    });

    afterAll(async () => {
      if (!redisAvailable) return;
      await sut.close();
      await proxy.stop();
    });

    it('turns degraded (200) within 5 s, fails no request, and heals without a restart', async () => {
      if (!redisAvailable) return;
      expect((await getHealth(sut)).body.services.redis).toBe('healthy');

      await proxy.cut();
      const cutAt = Date.now();
      const degraded = await eventually(
        () => getHealth(sut),
        (h) => h.body.status === 'degraded',
        5_000,
      );

      expect(Date.now() - cutAt).toBeLessThan(5_000);
      expect(degraded.status).toBe(200);
      expect(degraded.body.services.redis).toMatch(/^unhealthy: /);
      expect(degraded.body.database).toBe('connected');
      expect(degraded.ms).toBeLessThan(2_500);
      for (const path of ['/', '/health/live', '/health/ready', '/docs-json', '/metrics']) {
        expect((await clientsFor(sut.baseUrl).api.get(path)).status).toBe(200);
      }
      // The latest price and the rate limiter go to Redis first: without it the price read
      // falls back to PostgreSQL (here: no such asset, so 404) instead of failing or hanging.
      const started = Date.now();
      const prices = await Promise.all(
        Array.from({ length: 5 }, () => clientsFor(sut.baseUrl).market.price('NOPE')),
      );
      expect(prices.map((response) => response.status)).toEqual([404, 404, 404, 404, 404]);
      expect(Date.now() - started).toBeLessThan(2_500);

      await proxy.start();
      const healed = await eventually(
        () => getHealth(sut),
        (h) => h.body.status === 'ok',
        10_000,
      );

      expect(healed.body.services.redis).toBe('healthy');
    });
  });

  const describeServer = serverDatabaseUrl ? describe : describe.skip;

  describeServer('when PostgreSQL goes away (server mode)', () => {
    let proxy: TcpProxy;
    let sut: TestApp;

    beforeAll(async () => {
      ({ sut, proxy } = await startTestAppBehindDatabaseProxy());
    });

    afterAll(() => sut.close());

    it('answers 503 with status "error" within 2.5 s, and recovers without a restart', async () => {
      await proxy.cut();
      const down = await getHealth(sut);

      expect(down.status).toBe(503);
      expect(down.ms).toBeLessThan(2_500);
      expect(down.body).toMatchObject({ status: 'error', database: 'disconnected' });
      expect(down.body.services.postgresql).toMatch(/^unhealthy: /);
      const { health } = clientsFor(sut.baseUrl);
      expect((await health.ready()).status).toBe(503);
      expect((await health.live()).status).toBe(200);

      await proxy.start();
      const healed = await eventually(
        () => getHealth(sut),
        (h) => h.status === 200,
        10_000,
      );

      expect(healed.body.status).not.toBe('error');
    });
  });
});
