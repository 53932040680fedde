// The built service's own log output, captured from its process: API keys sent in URLs (where
// browsers and WebSocket clients put them) must not be in it, whole or in part.
import { spawnApp, type AppProcess } from './support/app-process';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { waitFor } from './support/wait-for';

const ADMIN_KEY = 'log-redaction-admin-key-5f1c9a7e2b';
const PROVIDER_KEY = 'CG-provider-key-9d8c7b6a';

describe('Credentials in logged URLs (process e2e)', () => {
  let database: TestDatabase;
  let app: AppProcess;
  let baseUrl: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = spawnApp({
      ...database.env,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      ADMIN_API_KEY: ADMIN_KEY,
      INGESTION_PROVIDERS: 'csv',
    });
    baseUrl = await Promise.race([
      app.baseUrl,
      app.exited.then((code) => {
        throw new Error(`the service exited (${code}) before it was ready:\n${app.output()}`);
      }),
    ]);
  }, 60_000);

  afterAll(async () => {
    app.child.kill('SIGTERM');
    await app.exited;
    await database.drop();
  });

  it('logs every request URL with its credentials redacted, and never the keys', async () => {
    const issued = await fetch(`${baseUrl}/api/v1/admin/api-keys`, {
      method: 'POST',
      headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'log-redaction-reader', role: 'reader' }),
    });
    expect(issued.status).toBe(201);
    const readerKey = ((await issued.json()) as { key: string }).key;
    const requests: [string, string, string][] = [
      ['POST', `/api/v1/cryptocurrencies/sync?api_key=${ADMIN_KEY}&wait=false`, 'sync'],
      ['GET', `/ws?api_key=${ADMIN_KEY}`, 'ws'],
      ['GET', `/ws/prices/BTC?api_key=${ADMIN_KEY}`, 'ws-prices'],
      ['GET', `/ws/test?API_KEY=${ADMIN_KEY}`, 'ws-test'],
      ['GET', `/api/v1/cryptocurrencies?limit=1&api_key=${readerKey}`, 'listing'],
      [
        'GET',
        `/api/v1/cryptocurrencies?x_cg_demo_api_key=${PROVIDER_KEY}&token=${readerKey}`,
        'other',
      ],
    ];

    for (const [method, path, id] of requests) {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { 'x-request-id': `redaction-${id}` },
      });
      await response.arrayBuffer();
    }

    // Every request's line is written before the next is sent, but the pipe may lag.
    await waitFor(
      () => requests.every(([, , id]) => app.output().includes(`"redaction-${id}"`)),
      "every request's log line",
    );
    const output = app.output();
    expect(output).not.toContain(ADMIN_KEY);
    expect(output).not.toContain(readerKey);
    expect(output).not.toContain(readerKey.slice(-12));
    expect(output).not.toContain(PROVIDER_KEY);
    const logged = (id: string) =>
      output
        .split('\n')
        .filter((line) => line.includes(`"requestId":"redaction-${id}"`))
        .map((line) => (JSON.parse(line) as { req?: { url?: string } }).req?.url)
        .filter((url) => url !== undefined);
    expect(logged('sync')).toEqual(['/api/v1/cryptocurrencies/sync?api_key=[REDACTED]&wait=false']);
    expect(logged('ws')).toEqual(['/ws?api_key=[REDACTED]']);
    expect(logged('ws-prices')).toEqual(['/ws/prices/BTC?api_key=[REDACTED]']);
    expect(logged('ws-test')).toEqual(['/ws/test?API_KEY=[REDACTED]']);
    expect(logged('listing')).toEqual(['/api/v1/cryptocurrencies?limit=1&api_key=[REDACTED]']);
    expect(logged('other')).toEqual([
      '/api/v1/cryptocurrencies?x_cg_demo_api_key=[REDACTED]&token=[REDACTED]',
    ]);
  });
});
