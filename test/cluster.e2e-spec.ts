// Two (and more) real service processes (dist/src/main.js) on one PostgreSQL database and one
// Redis, as a deployment behind a load balancer runs them: they must behave as one service.
// Server mode only; `npm run test:cluster` runs this file alone.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import { createApiKey, spawnApp, type AppProcess } from './support/app-process';
import { clientsFor } from './support/clients';
import { FakeProviderServer } from './support/fake-provider-server';
import { connectSocket, type RecordingSocket } from './support/realtime-clients';
import { TcpProxy } from './support/tcp-proxy';
import { deleteRedisKeys, serverRedisUrl } from './support/test-app';
import { createTestDatabase, serverDatabaseUrl, type TestDatabase } from './support/test-database';
import { waitFor } from './support/wait-for';

const ADMIN_KEY = `cluster-admin-${randomBytes(8).toString('hex')}`;
const RATE_LIMIT = 20;
const TOP50_INTERVAL_MS = 2_000;
const MARKETS = JSON.parse(
  readFileSync(join(__dirname, 'fixtures', 'providers', 'coingecko-markets.json'), 'utf8'),
) as unknown[];

const isPrice = (symbol: string, price?: number) => (data: Record<string, unknown>) =>
  data.symbol === symbol && (price === undefined || data.price === price);

interface Instance {
  process: AppProcess;
  baseUrl: string;
  port: number;
}

/** Starts one instance and waits until it is ready (it has run or found the migrations). */
async function startInstance(env: Record<string, string>): Promise<Instance> {
  const app = spawnApp({ ...env, PORT: '0', HOST: '127.0.0.1' });
  const baseUrl = await Promise.race([
    app.baseUrl,
    app.exited.then((code) => {
      throw new Error(`instance exited (${code}) before listening:\n${app.output()}`);
    }),
  ]);
  await waitFor(
    async () => (await clientsFor(baseUrl).health.ready()).response.ok,
    `${baseUrl} to be ready`,
    20_000,
    100,
  );
  return { process: app, baseUrl, port: Number(new URL(baseUrl).port) };
}

async function stopInstance(instance: Instance | undefined): Promise<void> {
  if (!instance || instance.process.child.exitCode !== null) return;
  if (instance.process.child.signalCode !== null) return;
  instance.process.child.kill('SIGTERM');
  await instance.process.exited;
}

const serverMode = Boolean(serverDatabaseUrl && serverRedisUrl);
const SUITE = 'Several instances on one PostgreSQL and one Redis (e2e)';

const SKIPPED_BECAUSE =
  'needs DATABASE_URL and REDIS_URL (server mode): an embedded PGlite belongs to one process';
if (!serverMode) console.log(`notice: the cluster suite is skipped: ${SKIPPED_BECAUSE}`);

(serverMode ? describe : describe.skip)(
  serverMode ? SUITE : `${SUITE}, skipped: ${SKIPPED_BECAUSE}`,
  () => {
    const provider = new FakeProviderServer();
    const keyPrefix = `test-cluster-${randomBytes(4).toString('hex')}`;
    let csvDir: string;
    let csvPath: string;
    /** What the CSV source serves: symbols of this suite only, one per test. */
    const prices = new Map<string, number>([
      ['CLUSTA', 100],
      ['CLUSTD', 200],
      ['CLUSTE', 300],
      ['CLUSTK', 400],
    ]);
    const clients: RecordingSocket[] = [];
    let database: TestDatabase;
    let db: Client;
    let env: Record<string, string>;
    let partnerKey: string;
    let a: Instance;
    let b: Instance;

    const writeCsv = () =>
      writeFileSync(
        csvPath,
        ['symbol,name,price_usd', ...[...prices].map(([s, p]) => `${s},Cluster ${s},${p}`)].join(
          '\n',
        ) + '\n',
      );

    /** An admin sync of the CSV source on `instance`, with `symbol` now at `price`. */
    const ingestCsv = async (instance: Instance, symbol?: string, price?: number) => {
      if (symbol && price !== undefined) prices.set(symbol, price);
      writeCsv();
      const { ingestion } = clientsFor(instance.baseUrl, { 'x-api-key': ADMIN_KEY });
      const { status, body } = await ingestion.sync({ provider: 'csv' });
      expect([status, body.status]).toEqual([200, 'success']);
    };

    const socket = async (baseUrl: string): Promise<RecordingSocket> => {
      const client = await connectSocket(baseUrl);
      clients.push(client);
      return client;
    };

    beforeAll(async () => {
      const coingeckoUrl = await provider.start();
      provider.script({ status: 200, body: MARKETS.slice(0, 2) });
      database = await createTestDatabase();
      db = new Client({ connectionString: database.url });
      await db.connect();
      csvDir = mkdtempSync(join(tmpdir(), 'cma-cluster-'));
      csvPath = join(csvDir, 'prices.csv');
      writeCsv();
      env = {
        ...database.env,
        REDIS_URL: serverRedisUrl!,
        // One deployment: the instances share the prefix (and so the cache, the counters,
        // the Socket.IO stream and sessions).
        REDIS_KEY_PREFIX: keyPrefix,
        LOG_LEVEL: 'info',
        ADMIN_API_KEY: ADMIN_KEY,
        INGESTION_PROVIDERS: 'coingecko,csv',
        COINGECKO_BASE_URL: `${coingeckoUrl}/api/v3`,
        CSV_IMPORT_PATH: csvPath,
        INGESTION_SCHEDULE: 'true',
        INGESTION_TOP50_INTERVAL_SECONDS: String(TOP50_INTERVAL_MS / 1_000),
        // The rate-limit test is the only client counted by its address (health probes are
        // exempt): reads use a partner key, syncs the admin key (a few a minute, under the limit).
        RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT),
        PARTNER_RATE_LIMIT_PER_MINUTE: '1000000',
        SYNC_RATE_LIMIT_PER_MINUTE: '1000',
        WS_MIN_INTERVAL_MS: '50',
      };
      // The CLI runs the migrations, so the instances start on an up-to-date schema.
      partnerKey = await createApiKey(database.env, 'cluster-suite', 'partner');
      [a, b] = await Promise.all([startInstance(env), startInstance(env)]);
      await ingestCsv(b);
    });

    afterEach(() => {
      for (const client of clients.splice(0)) client.close();
    });

    afterAll(async () => {
      await Promise.all([stopInstance(a), stopInstance(b)]);
      await provider.stop();
      await db?.end();
      await database?.drop();
      if (csvDir) rmSync(csvDir, { recursive: true, force: true });
      const redis = new Redis(serverRedisUrl!);
      await deleteRedisKeys(redis, keyPrefix);
      await redis.quit();
    });

    it('delivers a price ingested on instance B to a Socket.IO subscriber on instance A', async () => {
      const client = await socket(a.baseUrl);
      await client.emitWithAck('subscribe', { symbol: 'CLUSTA' });
      const snapshot = await client.next('price_update', isPrice('CLUSTA', 100));

      await ingestCsv(b, 'CLUSTA', 101);

      const live = await client.next('price_update', isPrice('CLUSTA', 101));
      expect(live).toMatchObject({ source: 'csv' });
      expect(Number(live.seq)).toBeGreaterThan(Number(snapshot.seq));
    });

    it('enforces one rate limit for a client whose requests alternate between A and B', async () => {
      const statuses: number[] = [];
      const remaining: (string | null)[] = [];
      for (let i = 0; i < RATE_LIMIT + 10; i++) {
        const { status, headers } = await clientsFor((i % 2 ? b : a).baseUrl).service.info();
        statuses.push(status);
        remaining.push(headers.get('x-ratelimit-remaining'));
      }

      expect(statuses.slice(0, RATE_LIMIT)).toEqual(Array(RATE_LIMIT).fill(200));
      expect(statuses.slice(RATE_LIMIT)).toEqual(Array(10).fill(429));
      // One counter: each instance sees the other's requests.
      expect(remaining.slice(0, RATE_LIMIT).map(Number)).toEqual(
        Array.from({ length: RATE_LIMIT }, (_, i) => RATE_LIMIT - 1 - i),
      );
    });

    it('runs a scheduled job once per slot across both instances, in every slot', async () => {
      const slotOf = (time: Date) => Math.floor(time.getTime() / TOP50_INTERVAL_MS);
      /** Upstream calls of the top-50 job, counted before the runs that made them are read. */
      const observe = async () => {
        const calls = provider.requests.filter((r) => r.url.includes('per_page=50')).length;
        const { rows } = await db.query<{ job: string; started_at: Date }>(
          `SELECT details->>'job' AS job, started_at FROM ingestion_runs
            WHERE source = 'coingecko' AND trigger = 'schedule'`,
        );
        const top50 = rows.filter((r) => r.job === 'top-50').map((r) => slotOf(r.started_at));
        // The hourly top-200 job holds the same source lock: its slot may lack a top-50 run.
        const top200 = new Set(
          rows.filter((r) => r.job === 'top-200').map((r) => slotOf(r.started_at)),
        );
        return { calls, top50, top200 };
      };

      const { calls, top50, top200 } = await waitFor(
        async () => {
          const seen = await observe();
          return new Set(seen.top50).size >= 4 ? seen : undefined;
        },
        'scheduled runs in four slots',
        20_000,
        250,
      );

      const first = Math.min(...top50);
      const last = Math.max(...top50);
      const perSlot = Array.from({ length: last - first + 1 }, (_, i) => ({
        slot: first + i,
        runs: top50.filter((slot) => slot === first + i).length,
      }));
      expect(perSlot.filter(({ runs }) => runs > 1)).toEqual([]);
      expect(perSlot.filter(({ slot, runs }) => runs === 0 && !top200.has(slot))).toEqual([]);
      // Every recorded run called the provider once; at most the newest has not yet.
      expect(calls).toBeLessThanOrEqual(top50.length);
      expect(calls).toBeGreaterThanOrEqual(top50.length - 1);
    });

    it('serves on A the new value after B ingested, where A had a cached answer', async () => {
      const read = async () => {
        const { market } = clientsFor(a.baseUrl, { 'x-api-key': partnerKey });
        const { headers, body } = await market.detail('CLUSTD');
        return { cache: headers.get('x-cache'), price: body.current_price };
      };

      expect(await read()).toEqual({ cache: 'MISS', price: 200 });
      expect(await read()).toEqual({ cache: 'HIT', price: 200 });
      await ingestCsv(b, 'CLUSTD', 201);

      expect(await read()).toEqual({ cache: 'MISS', price: 201 });
    });

    describe('an instance going away mid-stream, its clients behind a balancer', () => {
      let balancer: TcpProxy;
      let balancerUrl: string;
      let doomed: Instance | undefined;

      beforeEach(async () => {
        doomed = await startInstance(env);
        balancer = new TcpProxy('127.0.0.1', doomed.port);
        balancerUrl = `http://127.0.0.1:${await balancer.start()}`;
      });

      afterEach(async () => {
        await stopInstance(doomed);
        await balancer.stop();
      });

      /**
       * A client on the doomed instance, subscribed to `symbol`, that has received one
       * broadcast (the offset a recovery resumes from), and the seq of that broadcast.
       */
      const subscribedClient = async (symbol: string) => {
        const client = await socket(balancerUrl);
        await client.emitWithAck('subscribe', { symbol });
        await client.next('price_update', isPrice(symbol, prices.get(symbol)));
        const price = prices.get(symbol)! + 1;
        await ingestCsv(b, symbol, price);
        const last = await client.next('price_update', isPrice(symbol, price));
        return { client, lastSeq: Number(last.seq) };
      };

      /** Stops the doomed instance while the balancer has no backend, then points it at B. */
      const failOver = async (
        client: RecordingSocket,
        signal: NodeJS.Signals,
        missed: () => Promise<void>,
      ) => {
        const disconnected = new Promise((resolve) => client.socket.once('disconnect', resolve));
        const reconnected = new Promise<void>((resolve) =>
          client.socket.once('connect', () => resolve()),
        );
        balancer.retarget(undefined);
        doomed!.process.child.kill(signal);
        await disconnected;
        await doomed!.process.exited;
        await missed();
        balancer.retarget(b.port);
        await reconnected;
      };

      it('SIGTERM: the clients reconnect to B and recover what they missed (connection-state recovery)', async () => {
        const { client, lastSeq } = await subscribedClient('CLUSTE');
        const from = client.received.length;

        await failOver(client, 'SIGTERM', () => ingestCsv(b, 'CLUSTE', 305));

        expect(doomed!.process.child.exitCode).toBe(0);
        expect(client.socket.recovered).toBe(true);
        const replayed = await client.next('price_update', isPrice('CLUSTE', 305), from);
        expect(Number(replayed.seq)).toBe(lastSeq + 1);
        expect(await client.emitWithAck('get_subscriptions')).toEqual({
          subscriptions: ['CLUSTE'],
        });
      });

      it('SIGKILL: the clients reconnect to B and recover what they missed, from the session stored while connected', async () => {
        const { client, lastSeq } = await subscribedClient('CLUSTK');
        const from = client.received.length;

        await failOver(client, 'SIGKILL', () => ingestCsv(b, 'CLUSTK', 405));

        // The killed instance never saw the disconnect; the session it kept in Redis while
        // the client was connected (RecoverySessionsService) is what B restores.
        expect(doomed!.process.child.signalCode).toBe('SIGKILL');
        expect(client.socket.recovered).toBe(true);
        const replayed = await client.next('price_update', isPrice('CLUSTK', 405), from);
        expect(Number(replayed.seq)).toBe(lastSeq + 1);
        expect(await client.emitWithAck('get_subscriptions')).toEqual({
          subscriptions: ['CLUSTK'],
        });
      });
    });
  },
);
