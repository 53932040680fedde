import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { filter, firstValueFrom } from 'rxjs';
import { CurrenciesService } from '../src/currencies/currencies.service';
import { FxRatesRepository } from '../src/currencies/fx-rates.repository';
import { PriceBus } from '../src/price-history/price-bus';
import { describeInChromium, launchChromium, watchPage } from './support/browser';
import { clientsFor } from './support/clients';
import { startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { waitFor } from './support/wait-for';

const ADMIN_KEY = 'test-admin-key-dashboard-0123456789';
const ENV = {
  ADMIN_API_KEY: ADMIN_KEY,
  INGESTION_PROVIDERS: 'csv',
  MARKET_SIMULATOR: 'true',
  SIMULATOR_SYMBOLS: 'BTC,ETH',
  SIMULATOR_TRADES_PER_SECOND: '50',
  LIVE_FLUSH_MS: '100',
  WS_MIN_INTERVAL_MS: '100',
};

describeInChromium('Dashboard market page in headless Chromium (e2e)', () => {
  let sut: TestApp;
  let database: TestDatabase;
  /** Embedded mode: a data directory on disk, so a restart keeps the data as in production. */
  let dataDir: string | undefined;
  let browser: Browser;
  let page: Page;
  let watch: ReturnType<typeof watchPage>;

  const start = async (port?: number) => {
    sut = await startTestApp({
      env: { ...ENV, ...(dataDir ? { PGLITE_DATA_DIR: dataDir } : {}) },
      database,
      port,
    });
    await firstValueFrom(sut.app.get(PriceBus).prices$.pipe(filter((p) => p.symbol === 'ETH')));
  };
  // Evaluated in the page (the suite's TypeScript has no DOM types): the rows' symbols at once.
  const rowSymbols = (): Promise<string[]> =>
    page.evaluate(
      `[...document.querySelectorAll('#market tbody tr[data-symbol]')].map((row) => row.dataset.symbol)`,
    );
  const priceOf = (symbol: string) =>
    page.locator(`tr[data-symbol="${symbol}"] .price`).textContent() as Promise<string>;
  const waitForPriceChange = async (symbol: string) => {
    const first = await priceOf(symbol);
    await waitFor(async () => (await priceOf(symbol)) !== first, `${symbol} to move`, 15_000, 50);
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = database.url ? undefined : mkdtempSync(join(tmpdir(), 'dashboard-pglite-'));
    await start();
    const sync = await clientsFor(sut.baseUrl, { 'x-api-key': ADMIN_KEY }).ingestion.sync({
      provider: 'csv',
    });
    expect(sync.status).toBe(200);
    // Euro rates (the bundled FX history ends in 2025), for the currency picker.
    const rates = sut.app.get(FxRatesRepository);
    await rates.upsertCurrencies([
      { code: 'eur', name: 'Euro', kind: 'fiat', source: 'coingecko' },
    ]);
    // Daily for the last 30 days: the CSV's prices are days old and convert at their own day's rate.
    await rates.upsertRates(
      Array.from({ length: 30 }, (_, i) => ({
        currency: 'eur',
        day: new Date(Date.now() - i * 86_400_000).toISOString().slice(0, 10),
        rate: '0.9',
        source: 'coingecko',
      })),
    );
    await sut.app.get(CurrenciesService).ratesChanged();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    watch = watchPage(page, sut.baseUrl);
    // By symbol: BTC and ETH (simulated, so without a market cap) are on the first page.
    await page.goto(`${sut.baseUrl}/dashboard?sort_by=symbol&order=asc&per_page=10`);
    await page.locator('#connection[data-state="live"]').waitFor({ timeout: 15_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await sut?.close();
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('fills a page of the table from the listing, with stale prices marked with their age', async () => {
    const listing = await clientsFor(sut.baseUrl).market.list({
      sort_by: 'symbol',
      order: 'asc',
      page: 1,
      per_page: 10,
    });

    await waitFor(async () => (await rowSymbols()).length === 10, 'a full page', 10_000, 50);
    expect(await rowSymbols()).toEqual(listing.body.items.map((asset) => asset.symbol));
    expect(listing.body.total).toBe(25);
    expect(await page.locator('#page-info').textContent()).toBe('Page 1 of 3 · 25 assets');
    // The CSV's prices are days old, the simulator's are live.
    expect(await page.locator('tr[data-symbol="BNB"]').getAttribute('class')).toContain('stale');
    expect(await page.locator('tr[data-symbol="BNB"] .age').textContent()).toMatch(
      /^stale · \d+ d old$/,
    );
    expect(await page.locator('tr[data-symbol="BTC"].stale').count()).toBe(0);
    // Minutes old, the simulated market has too few hourly closes for a week's line.
    await waitFor(
      async () => (await page.locator('tr[data-symbol="BTC"] td.spark').textContent()) === '—',
      'an empty sparkline',
      5_000,
      50,
    );
  });

  it('updates prices live, highlighting the change', async () => {
    await waitForPriceChange('BTC');
    await page
      .locator('tr[data-symbol="BTC"] .price:is(.flash-up, .flash-down)')
      .waitFor({ timeout: 10_000 });
    expect(await priceOf('BTC')).toMatch(/^\$\d{1,3}(,\d{3})*\.\d{2}$/);
  });

  it('sorts by a column when its header is pressed, and reverses on a second press', async () => {
    const market = clientsFor(sut.baseUrl).market;
    const order = async (sort_by: string, order: string) =>
      (await market.list({ sort_by, order, page: 1, per_page: 10 })).body.items.map(
        (asset) => asset.symbol,
      );

    await page.click('th button[data-sort="name"]');
    const ascending = await order('name', 'asc');
    await waitFor(async () => (await rowSymbols())[0] === ascending[0], 'names A→Z', 10_000, 50);
    expect(await rowSymbols()).toEqual(ascending);
    expect(await page.getAttribute('th:has(button[data-sort="name"])', 'aria-sort')).toBe(
      'ascending',
    );

    await page.click('th button[data-sort="name"]');
    const descending = await order('name', 'desc');
    await waitFor(async () => (await rowSymbols())[0] === descending[0], 'names Z→A', 10_000, 50);
    expect(await rowSymbols()).toEqual(descending);
    expect(new URL(page.url()).search).toBe('?sort_by=name&per_page=10');

    await page.click('th button[data-sort="market_cap"]');
    await waitFor(
      async () => (await rowSymbols()).join() === (await order('market_cap', 'desc')).join(),
      'market cap order',
      10_000,
      50,
    );
  });

  it('searches by name or symbol and pages through the rest', async () => {
    await page.fill('#search', 'doge');
    await waitFor(async () => (await rowSymbols()).join() === 'DOGE', 'only DOGE', 10_000, 50);
    await page.fill('#search', '');
    await waitFor(async () => (await rowSymbols()).length === 10, 'the full page', 10_000, 50);

    const pageOf = async (n: number) =>
      (
        await clientsFor(sut.baseUrl).market.list({ sort_by: 'market_cap', page: n, per_page: 10 })
      ).body.items.map((asset) => asset.symbol);
    await page.click('#next');
    await page.click('#next');
    await waitFor(async () => (await rowSymbols()).length === 5, 'page 3', 10_000, 50);
    expect(await rowSymbols()).toEqual(await pageOf(3));
    expect(await page.isDisabled('#next')).toBe(true);
    await page.click('#prev');
    await waitFor(async () => (await rowSymbols()).length === 10, 'page 2', 10_000, 50);
    expect(await rowSymbols()).toEqual(await pageOf(2));
  });

  it('shows the table in the currency chosen, as the listing converts it', async () => {
    await page.goto(`${sut.baseUrl}/dashboard?sort_by=symbol&order=asc&per_page=10`);
    await waitFor(async () => (await rowSymbols()).includes('BNB'), 'page 1', 10_000, 50);
    expect(await page.locator('#currency').isVisible()).toBe(true);

    await page.selectOption('#currency', 'eur');
    await waitFor(
      async () => (await priceOf('BNB')).startsWith('€'),
      'prices in euros',
      10_000,
      50,
    );
    const listing = await clientsFor(sut.baseUrl).market.list({
      sort_by: 'symbol',
      order: 'asc',
      page: 1,
      per_page: 10,
      vs_currency: 'eur',
    });
    const bnb = listing.body.items.find((asset) => asset.symbol === 'BNB');
    expect(bnb?.current_price).toBeGreaterThan(0);
    const shown = Number((await priceOf('BNB')).replace(/[€,]/g, ''));
    expect(shown).toBeCloseTo(bnb!.current_price!, 2);
    expect(new URL(page.url()).searchParams.get('vs_currency')).toBe('eur');
    // Live updates keep coming, converted by the server for this subscription.
    await waitForPriceChange('BTC');
    expect(await priceOf('BTC')).toMatch(/^€\d{1,3}(,\d{3})*\.\d{2}$/);

    await page.selectOption('#currency', 'usd');
    await waitFor(
      async () => (await priceOf('BNB')).startsWith('$'),
      'prices in dollars',
      10_000,
      50,
    );
  });

  it('shows the connection state through a restart of the service and is live again after it', async () => {
    await page.click('th button[data-sort="current_price"]');
    await page.locator('tr[data-symbol="BTC"]').waitFor({ timeout: 10_000 });
    const port = Number(new URL(sut.baseUrl).port);
    watch.expected.push(/WebSocket connection to .* failed|ERR_CONNECTION_REFUSED|Failed to load/);

    // Stopped as a crash or a forced restart stops it: the browser's connections are cut.
    const server: Server = sut.app.getHttpServer();
    const cutting = setInterval(() => server.closeAllConnections(), 100);
    await sut.app.close().finally(() => clearInterval(cutting));
    await page.locator('#connection[data-state="reconnecting"]').waitFor({ timeout: 10_000 });
    expect(await page.locator('#connection').textContent()).toBe('Reconnecting…');
    await start(port);
    await page.locator('#connection[data-state="live"]').waitFor({ timeout: 20_000 });

    await waitForPriceChange('BTC');
  }, 90_000);

  it('leaves no request outside the service and no console error', () => {
    expect(watch.problems).toEqual([]);
    expect([...watch.hosts]).toEqual([new URL(sut.baseUrl).host]);
  });
});
