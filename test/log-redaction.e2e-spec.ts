// The built service's own log output, captured from its process: API keys sent in URLs (where
// browsers and WebSocket clients put them) must not be in it, whole or in part.
import { spawnApp, type AppProcess } from './support/app-process';
import { type Answer, clientsFor, type RequestOptions } from './support/clients';
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
    const { api, ingestion, market } = clientsFor(baseUrl);
    const { apiKeys } = clientsFor(baseUrl, { 'x-api-key': ADMIN_KEY });
    const issued = await apiKeys.create({ name: 'log-redaction-reader', role: 'reader' });
    expect(issued.status).toBe(201);
    const readerKey = issued.body.key;
    // The WebSocket routes answer a plain GET too: enough to be logged.
    const requests: [string, (options: RequestOptions) => Promise<Answer<unknown>>][] = [
      ['sync', (o) => ingestion.sync({ api_key: ADMIN_KEY, wait: false }, o)],
      ['ws', (o) => api.get('/ws', { ...o, query: { api_key: ADMIN_KEY } })],
      ['ws-prices', (o) => api.get('/ws/prices/BTC', { ...o, query: { api_key: ADMIN_KEY } })],
      ['ws-test', (o) => api.get('/ws/test', { ...o, query: { API_KEY: ADMIN_KEY } })],
      ['listing', (o) => market.list({ limit: 1, api_key: readerKey }, o)],
      ['other', (o) => market.list({ x_cg_demo_api_key: PROVIDER_KEY, token: readerKey }, o)],
    ];

    for (const [id, request] of requests) {
      await request({ headers: { 'x-request-id': `redaction-${id}` } });
    }

    // Every request's line is written before the next is sent, but the pipe may lag.
    await waitFor(
      () => requests.every(([id]) => app.output().includes(`"redaction-${id}"`)),
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
