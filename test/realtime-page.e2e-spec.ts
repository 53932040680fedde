import type { Browser } from 'playwright-core';
import { filter, firstValueFrom } from 'rxjs';
import { PriceBus } from '../src/price-history/price-bus';
import { hasChromium, launchChromium, watchPage } from './support/browser';
import { ApiClient } from './support/clients';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

if (!hasChromium) {
  console.log('notice: /usr/bin/chromium not found, the /ws/test browser test is skipped');
}

describe('Live test page /ws/test (e2e)', () => {
  let sut: TestApp;
  const api = new ApiClient(() => sut.baseUrl);

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
    const page = await api.get<string>('/ws/test');
    const html = page.text;

    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain(`default-src 'self'`);
    expect(html).toContain('src="/socket.io/socket.io.min.js"');
    expect(html).not.toMatch(/https?:\/\//);
    for (const asset of [
      '/ws/test/test-page.js',
      '/ws/test/test-page.css',
      '/socket.io/socket.io.min.js',
    ]) {
      expect((await api.get(asset)).status).toBe(200);
    }
  });

  (hasChromium ? describe : describe.skip)('in headless Chromium', () => {
    let browser: Browser;

    beforeAll(async () => {
      browser = await launchChromium();
    });

    afterAll(async () => {
      await browser?.close();
    });

    it('shows live prices that change on screen, a sparkline and candles, with no errors', async () => {
      const page = await browser.newPage();
      const { problems } = watchPage(page, sut.baseUrl);

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
