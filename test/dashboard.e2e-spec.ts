import { filter, firstValueFrom } from 'rxjs';
import { PriceBus } from '../src/price-history/price-bus';
import { clientsFor, expectProblem, type Clients } from './support/clients';
import { startTestApp, type TestApp } from './support/test-app';

/** Every `src`/`href` a page loads, and every module a script imports. */
const references = (text: string): string[] => [
  ...[...text.matchAll(/(?:src|href)="(\/[^"]*)"/g)].map((m) => m[1]),
  ...[...text.matchAll(/from '([^']+)'/g)].map((m) => m[1]),
];

describe('Dashboard over HTTP (e2e)', () => {
  let sut: TestApp;
  let clients: Clients;

  beforeAll(async () => {
    sut = await startTestApp({
      env: {
        INGESTION_PROVIDERS: 'csv',
        MARKET_SIMULATOR: 'true',
        SIMULATOR_SYMBOLS: 'BTC,ETH',
        LIVE_FLUSH_MS: '100',
        PRICE_STALE_SECONDS: '90',
      },
    });
    clients = clientsFor(sut.baseUrl);
    await firstValueFrom(sut.app.get(PriceBus).candles$.pipe(filter((c) => c.symbol === 'ETH')));
  });

  afterAll(async () => {
    await sut.close();
  });

  it.each(['', 'assets/BTC', 'ops'])(
    'serves /dashboard/%s as a page under the CSP, with no inline script and nothing from outside',
    async (path) => {
      const page = await clients.dashboard.page(path);

      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const csp = page.headers.get('content-security-policy') ?? '';
      expect(csp).toContain(`script-src 'self'`);
      expect(csp).toContain(`connect-src 'self'`);
      expect(page.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(page.body).not.toMatch(/https?:\/\//);
      expect(page.body).toContain('<meta name="dashboard:price-stale-seconds" content="90" />');
    },
  );

  it('serves every file the pages load, and every module those files import', async () => {
    const seen = new Set<string>();
    const queue = [...references((await clients.dashboard.page()).body)];
    while (queue.length > 0) {
      const reference = queue.shift()!;
      const path = new URL(reference, `${sut.baseUrl}/dashboard/static/`).pathname;
      if (seen.has(path) || path === '/docs' || /^\/dashboard(\/ops)?$/.test(path)) continue;
      seen.add(path);
      const answer = await clients.api.get<string>(path);
      expect({ path, status: answer.status }).toEqual({ path, status: 200 });
      expect(answer.headers.get('content-type')).toMatch(
        /^(text|application)\/javascript|^text\/css/,
      );
      if (path.startsWith('/dashboard/static/') && path.endsWith('.js')) {
        queue.push(...references(answer.body));
      }
    }

    expect([...seen]).toEqual(
      expect.arrayContaining([
        '/dashboard/static/dashboard.css',
        '/dashboard/static/market.js',
        '/dashboard/static/common.js',
        '/socket.io/socket.io.esm.min.js',
      ]),
    );
  });

  it('serves lightweight-charts from the package as a module', async () => {
    const file = await clients.dashboard.file('lightweight-charts.js');

    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(file.body).toMatch(/export\s*\{[^}]*\bcreateChart\b/);
  });

  it.each(['nope.js', '..%2Fdashboard.module.js', 'market.html'])(
    'answers an unknown static file (%s) with a 404 problem',
    async (name) => {
      expect(expectProblem(await clients.dashboard.file(name), 404).detail).toMatch(
        /No dashboard file named/,
      );
    },
  );

  it('gives 7 days of hourly closes per symbol, the same as /ohlc', async () => {
    const answer = await clients.dashboard.sparklines({ symbols: 'btc,ETH' });
    const ohlc = await clients.market.ohlc('BTC', { timeframe: '1h', limit: 168 });

    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body.sparklines)).toEqual(['BTC', 'ETH']);
    expect(answer.body.sparklines.BTC).toHaveLength(168);
    expect(answer.body.to - answer.body.from).toBe(168 * 3_600_000);
    const fromOhlc = new Map(ohlc.body.ohlc.map((c) => [c.timestamp, c.close]));
    const [stored] = ohlc.body.ohlc.slice(-1);
    const index = (stored.timestamp - answer.body.from) / 3_600_000;
    // The newest bucket keeps filling: compare the buckets both answers had at once.
    expect(answer.body.sparklines.BTC.slice(0, index)).toEqual(
      Array.from(
        { length: index },
        (_, i) => fromOhlc.get(answer.body.from + i * 3_600_000) ?? null,
      ),
    );
    expect(answer.body.sparklines.BTC[index]).toEqual(expect.any(Number));
  });

  it.each([
    ['no symbols', {}, 400, /symbols is required/],
    ['an invalid symbol', { symbols: 'BTC,B-C' }, 400, /each of symbols must be 1 to 20/],
    [
      '101 symbols',
      { symbols: Array.from({ length: 101 }, (_, i) => `S${i}`).join(',') },
      400,
      /at most 100/,
    ],
    ['an unknown symbol', { symbols: 'BTC,NOPE' }, 404, /NOPE/],
  ])('refuses sparklines for %s with a problem document', async (_, query, status, detail) => {
    expect(expectProblem(await clients.dashboard.sparklines(query), status).detail).toMatch(detail);
  });

  it('sorts the listing by the 1 h and 7 d changes the table shows, and names them when refusing', async () => {
    for (const sort_by of ['price_change_percentage_1h', 'price_change_percentage_7d']) {
      expect((await clients.market.list({ sort_by })).status).toBe(200);
    }
    const refused = expectProblem(await clients.market.list({ sort_by: 'nope' }), 400);

    expect(refused.detail).toContain('price_change_percentage_1h');
    expect(refused.detail).toContain('price_change_percentage_7d');
  });

  it('opens the asset page for a symbol in any case, and refuses unknown or invalid ones', async () => {
    const page = await clients.dashboard.page('assets/eth');

    expect(page.status).toBe(200);
    expect(page.body).toContain('<meta name="dashboard:symbol" content="ETH" />');
    expect(expectProblem(await clients.dashboard.page('assets/NOPE'), 404).detail).toContain(
      'NOPE',
    );
    expectProblem(await clients.dashboard.page('assets/BT-C'), 400);
  });

  it('serves the operations data without a key when none is asked for', async () => {
    const ops = await clients.dashboard.ops();

    expect(ops.status).toBe(200);
    expect(ops.body).toMatchObject({
      health: { status: expect.any(String), checks: { postgresql: { status: 'up' } } },
      runs: expect.any(Array),
      failures: expect.any(Array),
      stats: { sources: expect.any(Array) },
    });
    expect((await clients.dashboard.page('ops')).body).toContain(
      '<meta name="dashboard:ops-key" content="none" />',
    );
  });

  it('sends a browser at GET / to the dashboard and keeps the JSON for API clients', async () => {
    const browser = await clients.api.get('/', {
      headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
      redirect: 'manual',
    });
    const apiClient = await clients.api.get<{ dashboard: string }>('/');
    const anything = await clients.api.get<{ dashboard: string }>('/', {
      headers: { accept: '*/*' },
    });

    expect(browser.status).toBe(302);
    expect(browser.headers.get('location')).toBe('/dashboard');
    expect(browser.headers.get('vary')).toMatch(/Accept/);
    expect(apiClient.status).toBe(200);
    expect(apiClient.body.dashboard).toBe('/dashboard');
    expect(anything.status).toBe(200);
  });
});

describe('Dashboard operations view behind an admin key (e2e)', () => {
  const ADMIN_KEY = 'dashboard-ops-admin-key-0123456789';
  const PROVIDER_KEY = 'provider-secret-never-shown-42';
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startTestApp({
      env: {
        ADMIN_API_KEY: ADMIN_KEY,
        DASHBOARD_OPS_REQUIRE_API_KEY: 'true',
        INGESTION_PROVIDERS: 'coingecko,csv',
        COINGECKO_API_KEY: PROVIDER_KEY,
        // Nothing listens there: the sync fails, and its error is shown.
        COINGECKO_BASE_URL: 'http://127.0.0.1:9',
        PROVIDER_TIMEOUT_MS: '1000',
      },
    });
  });

  afterAll(async () => {
    await sut.close();
  });

  it('refuses the data without a valid key, and shows runs and their errors, with no secret, to an admin', async () => {
    const { dashboard, ingestion } = clientsFor(sut.baseUrl);
    const admin = clientsFor(sut.baseUrl, { 'x-api-key': ADMIN_KEY });
    await admin.ingestion.sync({ provider: 'coingecko' });

    expectProblem(await dashboard.ops(), 401);
    expectProblem(await dashboard.ops({ headers: { 'x-api-key': 'wrong-key-0123456789' } }), 401);
    const ops = await admin.dashboard.ops();

    expect(ops.status).toBe(200);
    expect(ops.text).toContain('"source":"coingecko"');
    expect((ops.body as { failures: unknown[] }).failures.length).toBeGreaterThan(0);
    expect(ops.text).not.toContain(PROVIDER_KEY);
    expect(ops.text).not.toContain(ADMIN_KEY);
    expect((await dashboard.page('ops')).body).toContain(
      '<meta name="dashboard:ops-key" content="required" />',
    );
    expect((await ingestion.runs()).status).toBe(200);
  });
});
