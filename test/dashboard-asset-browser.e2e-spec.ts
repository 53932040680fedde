import type { Browser, Page } from 'playwright-core';
import { filter, firstValueFrom } from 'rxjs';
import { CurrenciesService } from '../src/currencies/currencies.service';
import { FxRatesRepository } from '../src/currencies/fx-rates.repository';
import { PriceBus } from '../src/price-history/price-bus';
import { TIMEFRAMES } from '../src/price-history/timeframe';
import { describeInChromium, launchChromium, watchPage } from './support/browser';
import { clientsFor, type Clients } from './support/clients';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

const ADMIN_KEY = 'test-admin-key-dashboard-asset-0123';
const DAY = 86_400_000;

/** 1,000 daily BTC candles up to yesterday, without days 100–109 before that (a gap): more than
 * a year page holds, so scrolling back has older candles to load on PostgreSQL too (PGlite also
 * has the bundled history). */
function dailyHistory(now: number): string {
  const today = Math.floor(now / DAY) * DAY;
  const lines = ['Date,Open,High,Low,Close,Volume'];
  for (let ago = 1_000; ago >= 1; ago--) {
    if (ago >= 100 && ago < 110) continue;
    const open = 60_000 + 20_000 * Math.sin(ago / 40);
    const close = open * (1 + 0.02 * Math.sin(ago));
    const date = new Date(today - ago * DAY).toISOString().slice(0, 10);
    lines.push(
      `${date},${open.toFixed(2)},${(Math.max(open, close) * 1.01).toFixed(2)},${(Math.min(open, close) * 0.99).toFixed(2)},${close.toFixed(2)},${1_000 + ago}`,
    );
  }
  return lines.join('\n');
}

/** Pixels of the chart's canvases in the up or down colour: candles drawn on screen. */
const CANDLE_PIXELS = `(() => {
  const style = getComputedStyle(document.documentElement);
  const rgb = (name) => {
    const probe = document.createElement('i');
    probe.style.color = style.getPropertyValue(name);
    document.body.append(probe);
    const value = getComputedStyle(probe).color.match(/\\d+/g).map(Number);
    probe.remove();
    return value;
  };
  const colours = [rgb('--up'), rgb('--down')];
  let count = 0;
  for (const canvas of document.querySelectorAll('#chart canvas')) {
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    for (let i = 0; i < data.length; i += 4) {
      if (colours.some(([r, g, b]) => Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < 12 && data[i + 3] > 200)) count++;
    }
  }
  return count;
})()`;

describeInChromium('Dashboard asset page in headless Chromium (e2e)', () => {
  let sut: TestApp;
  let clients: Clients;
  let browser: Browser;
  let page: Page;
  let watch: ReturnType<typeof watchPage>;

  const chart = async (name: string) => (await page.getAttribute('#chart', `data-${name}`)) ?? '';
  const ohlcRequest = (timeframe: string) =>
    page.waitForResponse(
      (response) =>
        response.url().includes('/api/v1/cryptocurrencies/BTC/ohlc?') &&
        new URL(response.url()).searchParams.get('timeframe') === timeframe &&
        !new URL(response.url()).searchParams.has('end'),
    );

  beforeAll(async () => {
    sut = await startTestApp({
      env: {
        ADMIN_API_KEY: ADMIN_KEY,
        INGESTION_PROVIDERS: 'csv',
        MARKET_SIMULATOR: 'true',
        SIMULATOR_SYMBOLS: 'BTC',
        SIMULATOR_TRADES_PER_SECOND: '50',
        LIVE_FLUSH_MS: '100',
        WS_MIN_INTERVAL_MS: '100',
      },
    });
    clients = clientsFor(sut.baseUrl);
    await firstValueFrom(sut.app.get(PriceBus).candles$.pipe(filter((c) => c.symbol === 'BTC')));
    const imported = await clients.ingestion.importCandles(
      dailyHistory(Date.now()),
      { symbol: 'BTC', volume: 'base' },
      { 'content-type': 'text/csv', 'x-api-key': ADMIN_KEY },
    );
    expect(imported.status).toBe(200);
    // Euro rates over the seeded history, for the currency picker.
    const rates = sut.app.get(FxRatesRepository);
    await rates.upsertCurrencies([
      { code: 'eur', name: 'Euro', kind: 'fiat', source: 'coingecko' },
    ]);
    await rates.upsertRates(
      Array.from({ length: 1_010 }, (_, i) => ({
        currency: 'eur',
        day: new Date(Date.now() - i * DAY).toISOString().slice(0, 10),
        rate: '0.9',
        source: 'coingecko',
      })),
    );
    // Pound rates for the last 100 days only: older days have no price in pounds.
    await rates.upsertCurrencies([
      { code: 'gbp', name: 'British Pound', kind: 'fiat', source: 'coingecko' },
    ]);
    await rates.upsertRates(
      Array.from({ length: 100 }, (_, i) => ({
        currency: 'gbp',
        day: new Date(Date.now() - i * DAY).toISOString().slice(0, 10),
        rate: '0.8',
        source: 'coingecko',
      })),
    );
    await sut.app.get(CurrenciesService).ratesChanged();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    watch = watchPage(page, sut.baseUrl);
    await page.goto(`${sut.baseUrl}/dashboard/assets/btc?timeframe=1m`);
    await page.locator('#connection[data-state="live"]').waitFor({ timeout: 15_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await sut?.close();
  });

  it('draws candles for each timeframe, fetching each one’s data when it is chosen', async () => {
    for (const timeframe of TIMEFRAMES) {
      const response = ohlcRequest(timeframe);
      await page.click(`#timeframes button[value="${timeframe}"]`);
      const answer = (await (await response).json()) as { ohlc: unknown[] };
      await waitFor(async () => (await chart('timeframe')) === timeframe, timeframe, 5_000, 50);

      // At least the answer's candles (live ones and older pages may have joined them).
      expect(Number(await chart('candles'))).toBeGreaterThanOrEqual(answer.ohlc.length);
      expect({ timeframe, empty: answer.ohlc.length === 0 }).toEqual({ timeframe, empty: false });
      await waitFor(
        async () => (await page.evaluate<number>(CANDLE_PIXELS)) > 20,
        `${timeframe} candles on screen`,
        5_000,
        100,
      );
      expect(
        await page.getAttribute(`#timeframes button[value="${timeframe}"]`, 'aria-pressed'),
      ).toBe('true');
    }
  });

  it('updates the live candle of the chosen timeframe from candle_update', async () => {
    await page.click('#timeframes button[value="1m"]');
    await waitFor(async () => (await chart('timeframe')) === '1m', '1m', 5_000, 50);
    const first = await waitFor(() => chart('live'), 'a live candle', 10_000, 50);

    expect(Date.parse(first) % 60_000).toBe(0);
    const candles = await chart('candles');
    await waitFor(
      async () =>
        (await chart('candles')) !== candles ||
        (await chart('live')) !== first ||
        (await page.evaluate<number>(CANDLE_PIXELS)) > 0,
      'the live candle to move',
      10_000,
      50,
    );
  });

  it('shows a range in its timeframe, with missing days as a gap, and loads older candles on scrolling back', async () => {
    const response = ohlcRequest('1d');
    await page.click('#ranges button[value="1Y"]');
    const year = (await (await response).json()) as { gaps: { from: number; to: number }[] };
    expect(year.gaps).toEqual([{ from: expect.any(Number), to: expect.any(Number) }]);
    expect(year.gaps[0].to - year.gaps[0].from).toBe(10 * DAY);
    await waitFor(async () => (await chart('timeframe')) === '1d', '1d', 5_000, 50);
    // Read together: the page before the year may arrive (and be prepended) at any moment.
    const { candles, buckets } = await page.evaluate<{ candles: number; buckets: number }>(
      `(({ dataset }) => ({ candles: Number(dataset.candles), buckets: Number(dataset.buckets) }))(document.getElementById('chart'))`,
    );
    // Ten days missing: ten empty buckets among the candles, not a line drawn over them.
    expect(buckets - candles).toBe(10);
    expect(new URL(page.url()).search).toBe('?range=1Y');

    const older = page.waitForResponse((response) => {
      const params = new URL(response.url()).searchParams;
      return params.get('timeframe') === '1d' && params.has('end');
    });
    const box = (await page.locator('#chart').boundingBox())!;
    const dragBack = async () => {
      for (let i = 0; i < 3; i++) {
        await page.mouse.move(box.x + 100, box.y + box.height / 3);
        await page.mouse.down();
        await page.mouse.move(box.x + box.width - 120, box.y + box.height / 3, { steps: 8 });
        await page.mouse.up();
      }
    };
    await dragBack();
    await older;
    // A page that arrived while the chart was being replaced is dropped (its generation is
    // gone); scrolling back again asks for it again, as a user's next drag would.
    await waitFor(
      async () => {
        if (Number(await chart('candles')) > candles) return true;
        await dragBack();
        return false;
      },
      'older candles',
      20_000,
      250,
    );
  });

  it('toggles indicators: SMA, EMA and Bollinger over the candles, RSI and MACD in panes of their own', async () => {
    const asked = (name: string) =>
      page.waitForRequest(
        (request) =>
          request.url().includes('/indicators?') &&
          new URL(request.url()).searchParams.get('indicators') === name,
      );

    for (const name of ['sma', 'bollinger', 'rsi', 'macd']) {
      const request = asked(name);
      await page.click(`#indicators button[value="${name}"]`);
      await request;
      await waitFor(
        async () => (await chart('indicators')).split(',').includes(name),
        name,
        5_000,
        50,
      );
    }
    expect(await chart('panes')).toBe('3');
    await page.click('#indicators button[value="rsi"]');
    await waitFor(async () => (await chart('panes')) === '2', 'the RSI pane to go', 5_000, 50);
    expect((await chart('indicators')).split(',').sort()).toEqual(['bollinger', 'macd', 'sma']);
    expect(new URL(page.url()).searchParams.get('indicators')).toBe('sma,bollinger,macd');
  });

  it('shows the asset’s facts with their sources, and scores a pasted headline', async () => {
    const facts = await page.locator('#facts').innerText();

    expect(facts).toContain('Market cap');
    expect(facts).toMatch(/Latest price from\s+simulator · \d+ s ago/);
    await page.fill('#sentiment-text', 'Bitcoin surges to a record high as ETF inflows soar');
    await page.click('#sentiment-form button');
    await page.locator('#sentiment-result .badge').waitFor();
    expect(await page.locator('#sentiment-result .badge').textContent()).toBe('Bullish');
  });

  it('shows the asset in the currency chosen: price, facts, candles and the live candle converted', async () => {
    const yearIn = (currency: string) =>
      page.waitForResponse((response) => {
        const params = new URL(response.url()).searchParams;
        return (
          response.url().includes('/BTC/ohlc?') &&
          params.get('timeframe') === '1d' &&
          !params.has('end') &&
          (params.get('vs_currency') ?? 'usd') === currency
        );
      });
    const inEuros = yearIn('eur');
    await page.goto(`${sut.baseUrl}/dashboard/assets/btc?range=1Y&vs_currency=eur`);
    const year = (await (await inEuros).json()) as { ohlc: { timestamp: number; close: number }[] };
    await waitFor(
      async () => ((await page.textContent('#asset-price')) ?? '').startsWith('€'),
      'the price in euros',
      10_000,
      50,
    );
    expect(await page.inputValue('#currency')).toBe('eur');
    expect(await page.locator('#facts').innerText()).toMatch(/Volume 24h\s+€/);
    const usd = await clients.market.ohlc('BTC', { timeframe: '1d', limit: 365 });
    const day = year.ohlc.at(-2)!;
    const sameDay = usd.body.ohlc.find((candle) => candle.timestamp === day.timestamp)!;
    expect(day.close).toBeCloseTo(sameDay.close! * 0.9, 2);
    // The live daily candle arrives converted (updates in another currency are dropped).
    const today = new Date(Math.floor(Date.now() / DAY) * DAY).toISOString();
    await waitFor(
      async () => (await chart('live')) === today,
      'the live candle in euros',
      10_000,
      50,
    );

    // Days without a rate are empty buckets, not candles drawn at zero (nor a chart error).
    const inPounds = yearIn('gbp');
    await page.selectOption('#currency', 'gbp');
    const pounds = (await (await inPounds).json()) as { ohlc: { close: number | null }[] };
    const priced = pounds.ohlc.filter((candle) => candle.close !== null).length;
    expect(priced).toBeGreaterThan(50);
    expect(priced).toBeLessThan(pounds.ohlc.length - 200);
    await waitFor(
      async () => Number(await chart('candles')) === priced,
      'the candles priced in pounds',
      10_000,
      50,
    );

    const inDollars = yearIn('usd');
    await page.selectOption('#currency', 'usd');
    await inDollars;
    await waitFor(
      async () => ((await page.textContent('#asset-price')) ?? '').startsWith('$'),
      'the price in dollars',
      10_000,
      50,
    );
    expect(new URL(page.url()).searchParams.has('vs_currency')).toBe(false);
  });

  it.each(['/dashboard', '/dashboard/assets/BTC'])(
    'lays %s out at 390 px without a page-wide horizontal scroll',
    async (path) => {
      const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
      const phoneWatch = watchPage(phone, sut.baseUrl);
      await phone.goto(`${sut.baseUrl}${path}`);
      await phone.locator('#connection[data-state="live"]').waitFor({ timeout: 15_000 });
      await phone.waitForLoadState('networkidle');

      expect(
        await phone.evaluate<number>('document.documentElement.scrollWidth'),
      ).toBeLessThanOrEqual(390);
      expect(phoneWatch.problems).toEqual([]);
      await phone.close();
    },
  );

  it('leaves no request outside the service and no console error', () => {
    expect(watch.problems).toEqual([]);
    expect([...watch.hosts]).toEqual([new URL(sut.baseUrl).host]);
  });
});
