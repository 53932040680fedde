import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { filter, firstValueFrom } from 'rxjs';
import { PriceBus } from '../src/price-history/price-bus';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.log(
    `notice: ${CHROMIUM} not found, the /ws/test browser test is skipped (apt-get install chromium)`,
  );
}

describe('Live test page /ws/test (e2e)', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startTestApp({
      env: {
        INGESTION_PROVIDERS: 'csv',
        MARKET_SIMULATOR: 'true',
        SIMULATOR_SYMBOLS: 'BTC,ETH',
        SIMULATOR_TRADES_PER_SECOND: '50',
        LIVE_FLUSH_MS: '100',
        WS_MIN_INTERVAL_MS: '100',
      },
    });
    // The simulator creates its assets as it starts; the page subscribes once they exist.
    await firstValueFrom(sut.app.get(PriceBus).prices$.pipe(filter((p) => p.symbol === 'ETH')));
  });

  afterAll(async () => {
    await sut.close();
  });

  it('is served with the pages CSP, its script and style from the service and the Socket.IO client from the package', async () => {
    const page = await fetch(`${sut.baseUrl}/ws/test`);
    const html = await page.text();

    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain(`default-src 'self'`);
    expect(html).toContain('src="/socket.io/socket.io.min.js"');
    expect(html).not.toMatch(/https?:\/\//);
    for (const asset of [
      '/ws/test/test-page.js',
      '/ws/test/test-page.css',
      '/socket.io/socket.io.min.js',
    ]) {
      expect((await fetch(`${sut.baseUrl}${asset}`)).status).toBe(200);
    }
  });

  (hasChromium ? describe : describe.skip)('in headless Chromium', () => {
    let browser: Browser;

    beforeAll(async () => {
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
    });

    afterAll(async () => {
      await browser?.close();
    });

    it('shows live prices that change on screen, a sparkline and candles, with no errors', async () => {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('request', (request) => {
        const url = new URL(request.url());
        if (url.host !== new URL(sut.baseUrl).host)
          problems.push(`request outside the service: ${url.href}`);
      });

      await page.goto(`${sut.baseUrl}/ws/test`);
      await page.locator('#status.online').waitFor({ timeout: 15_000 });
      await page.fill('#symbol-input', 'btc, ETH');
      await page.click('button[type=submit]');

      const price = page.locator('[data-symbol="BTC"] .price');
      const shown = async () => (await price.textContent()) ?? '';
      const first = await waitFor(
        async () => /\d/.test(await shown()) && shown(),
        'a BTC price',
        15_000,
        100,
      );
      await waitFor(async () => (await shown()) !== first, 'the BTC price to change', 15_000, 100);
      await page.locator('#candles tbody tr').first().waitFor({ timeout: 15_000 });
      const points = await page.getAttribute('[data-symbol="BTC"] polyline', 'points');

      expect(await price.textContent()).not.toBe(first);
      expect(points?.split(' ').length).toBeGreaterThan(1);
      await page.locator('[data-symbol="ETH"] .price').waitFor();
      expect(problems).toEqual([]);
    });
  });
});
