// The CoinGecko-compatible surface through CoinGecko's own SDK, configured with nothing but
// a base URL (and the key it insists on, which this service ignores).
import Coingecko, { BadRequestError, NotFoundError } from '@coingecko/coingecko-typescript';
import Redis from 'ioredis';
import type { CandleWrite } from '../src/price-history/candles.repository';
import { CurrenciesService } from '../src/currencies/currencies.service';
import { FxRatesRepository } from '../src/currencies/fx-rates.repository';
import { clientsFor } from './support/clients';
import { anAsset, MarketSeeder, minuteCandles } from './support/market-fixtures';
import { serverRedisUrl, startTestApp, type TestApp } from './support/test-app';

const HOUR = 3_600_000;
const DAY = 86_400_000;
const NOW = Date.now();
const TODAY = Math.floor(NOW / DAY) * DAY;
const THIS_HOUR = Math.floor(NOW / HOUR) * HOUR;

/** `count` candles of `width` ending with the bucket at `last`, closing at 100 + index. */
function candles(assetId: number, last: number, width: number, count: number): CandleWrite[] {
  return Array.from({ length: count }, (_, i) => {
    const close = 100 + i;
    return {
      assetId,
      openTime: new Date(last - (count - 1 - i) * width),
      source: 'binance',
      open: close - 1,
      high: close + 1,
      low: close - 2,
      close,
      volume: 10,
    };
  });
}

describe('CoinGecko API v3 through the official SDK (e2e)', () => {
  let sut: TestApp;
  let client: Coingecko;
  const { api } = clientsFor(() => sut.baseUrl);

  beforeAll(async () => {
    sut = await startTestApp();
    client = new Coingecko({
      baseURL: `${sut.baseUrl}/api/v3`,
      demoAPIKey: 'ignored',
      maxRetries: 0,
    });
    const seed = new MarketSeeder(sut.app);
    const ids = await seed.assets([
      anAsset({
        symbol: 'BTC',
        name: 'Bitcoin',
        coingeckoId: 'bitcoin',
        currentPrice: 97000,
        marketCap: 1.9e12,
        totalVolume: 4.5e10,
        marketCapRank: 1,
        circulatingSupply: 19_800_000,
        priceChangePercentage24h: 1.5,
        lastUpdated: new Date(NOW),
      }),
      anAsset({
        symbol: 'ETH',
        name: 'Ethereum',
        coingeckoId: 'ethereum',
        currentPrice: 3500,
        marketCap: 4.2e11,
        marketCapRank: 2,
      }),
      anAsset({
        symbol: 'XYZ',
        name: 'Xyz Token',
        currentPrice: 2,
        marketCap: 1e6,
        marketCapRank: 300,
      }),
    ]);
    const btc = ids.get('BTC')!;
    await seed.directCandles('1d', candles(btc, TODAY, DAY, 120));
    // Hourly klines up to three hours ago; the last two hours only as 1-minute candles (so
    // which candle serves the newest hour does not depend on the clock).
    await seed.directCandles('1h', candles(btc, THIS_HOUR - 3 * HOUR, HOUR, 24 * 8));
    await seed.candles(minuteCandles(btc, new Date(NOW - 2 * HOUR), 120));
    const fx = sut.app.get(FxRatesRepository);
    await fx.upsertCurrencies([{ code: 'eur', name: 'Euro', kind: 'fiat', source: 'coingecko' }]);
    await fx.upsertRates(
      Array.from({ length: 130 }, (_, i) => ({
        currency: 'eur',
        day: new Date(TODAY - i * DAY).toISOString().slice(0, 10),
        rate: i === 0 ? '0.9' : '0.8',
        source: 'coingecko',
      })),
    );
    await sut.app.get(CurrenciesService).ratesChanged();
  });

  afterAll(async () => {
    await sut.close();
  });

  it('ping', async () => {
    await expect(client.ping.get()).resolves.toEqual({ gecko_says: '(V3) To the Moon!' });
  });

  it('simple.price: ids and symbols in several currencies, with the extras asked for', async () => {
    const prices = await client.simple.price.get({
      ids: 'bitcoin',
      symbols: 'xyz',
      vs_currencies: 'usd,eur,btc',
      include_market_cap: true,
      include_24hr_change: true,
      include_24hr_vol: true,
      include_last_updated_at: true,
      precision: '2',
    });

    expect(prices.bitcoin).toEqual({
      usd: 97000,
      usd_market_cap: 1.9e12,
      usd_24h_vol: 4.5e10,
      usd_24h_change: 1.5,
      eur: 87300,
      eur_market_cap: expect.closeTo(1.71e12, 0),
      eur_24h_vol: expect.closeTo(4.05e10, 0),
      eur_24h_change: expect.closeTo((1.015 * (0.9 / 0.8) - 1) * 100, 8),
      btc: 1,
      btc_market_cap: expect.any(Number),
      btc_24h_vol: expect.any(Number),
      btc_24h_change: expect.any(Number),
      last_updated_at: Math.floor(NOW / 1000),
    });
    expect(prices.xyz.usd).toBe(2);
  });

  it('simple.supportedVsCurrencies', async () => {
    const codes = await client.simple.supportedVsCurrencies.get();
    expect(codes).toEqual(expect.arrayContaining(['usd', 'eur', 'btc', 'eth', 'sats']));
  });

  it('coins.list: CoinGecko ids where the source gave them, else a stable slug', async () => {
    const coins = await client.coins.list.get({ include_platform: true });
    expect(coins).toEqual([
      { id: 'bitcoin', symbol: 'btc', name: 'Bitcoin', platforms: {} },
      { id: 'ethereum', symbol: 'eth', name: 'Ethereum', platforms: {} },
      { id: 'xyz', symbol: 'xyz', name: 'Xyz Token', platforms: {} },
    ]);
  });

  it('coins.markets: ordered pages with sparklines and change windows, in the currency', async () => {
    const [first] = await client.coins.markets.get({
      vs_currency: 'eur',
      per_page: 1,
      page: 1,
      sparkline: true,
      price_change_percentage: '24h,14d,1y',
    });
    const secondPage = await client.coins.markets.get({
      vs_currency: 'usd',
      per_page: 1,
      page: 2,
      order: 'market_cap_desc',
    });
    const byId = await client.coins.markets.get({ vs_currency: 'usd', order: 'id_desc' });

    expect(first).toEqual(
      expect.objectContaining({
        id: 'bitcoin',
        symbol: 'btc',
        current_price: 87300,
        market_cap_rank: 1,
      }),
    );
    // Hourly closes of the last 7 days; the newest hours are rolled up from the 1-minute
    // candles, whose last close is 220.
    expect(first.sparkline_in_7d!.price!.length).toBeGreaterThanOrEqual(160);
    expect(first.sparkline_in_7d!.price!.at(-1)).toBeCloseTo(220 * 0.9, 8);
    // 14 days ago the daily close was 100 + 119 − 14 = 205 USD, at that day's 0.8.
    expect(first.price_change_percentage_14d_in_currency).toBeCloseTo(
      (87300 / (205 * 0.8) - 1) * 100,
      8,
    );
    expect(first.price_change_percentage_1y_in_currency).toBeNull();
    expect(secondPage.map((c) => c.id)).toEqual(['ethereum']);
    expect(byId.map((c) => c.id)).toEqual(['xyz', 'ethereum', 'bitcoin']);
  });

  it('coins.getID: market data in every supported currency', async () => {
    const coin = await client.coins.getID('bitcoin', { localization: false, tickers: false });

    expect(coin).toEqual(
      expect.objectContaining({ id: 'bitcoin', symbol: 'btc', name: 'Bitcoin' }),
    );
    expect(coin.localization).toBeUndefined();
    expect(coin.market_data!.current_price).toEqual(
      expect.objectContaining({ usd: 97000, eur: 87300, btc: 1, sats: 1e8 }),
    );
  });

  it('coins.ohlc: automatic granularity, stamped with each candle’s close time', async () => {
    const day = await client.coins.ohlc.get('bitcoin', { vs_currency: 'usd', days: '1' });
    const month = await client.coins.ohlc.get('bitcoin', { vs_currency: 'usd', days: '30' });
    const quarter = await client.coins.ohlc.get('bitcoin', { vs_currency: 'eur', days: '90' });

    // 30-minute candles of the 1-minute data of the last two hours.
    expect(day.length).toBeGreaterThanOrEqual(4);
    expect(day.every(([t]) => t % (30 * 60_000) === 0 || t === day.at(-1)![0])).toBe(true);
    // 4-hour candles from the hourly closes; a closed one ends on a 4-hour boundary.
    expect(month[0][0] % (4 * HOUR)).toBe(0);
    expect(month.length).toBeGreaterThanOrEqual(40);
    // 4-day candles from the daily ones, in euros at each day's rate.
    expect(quarter[0][0] % (4 * DAY)).toBe(0);
    const [, open, high, low, close] = quarter[0];
    expect([open, high, low, close].every((v) => typeof v === 'number')).toBe(true);
    expect(close / high).toBeLessThan(1);
  });

  it('coins.marketChart and getRange: [ms, value] series', async () => {
    const hourly = await client.coins.marketChart.get('bitcoin', { vs_currency: 'usd', days: '7' });
    const daily = await client.coins.marketChart.getRange('bitcoin', {
      vs_currency: 'usd',
      from: String(Math.floor((TODAY - 100 * DAY) / 1000)),
      to: String(Math.floor(TODAY / 1000)),
    });

    expect(hourly.prices.at(-1)).toEqual([expect.any(Number), 220]);
    expect(hourly.prices[1][0] - hourly.prices[0][0]).toBe(HOUR);
    expect(hourly.market_caps.at(-1)![1]).toBeCloseTo(220 * 19_800_000, 0);
    expect(hourly.total_volumes.at(-1)![1]).toBeGreaterThan(0);
    expect(daily.prices[1][0] - daily.prices[0][0]).toBe(DAY);
    expect(daily.prices.length).toBeGreaterThanOrEqual(99);
  });

  it('search, global and exchangeRates', async () => {
    const found = await client.search.get({ query: 'bit' });
    const global = await client.global.get();
    const rates = await client.exchangeRates.get();

    expect(found.coins.map((c) => c.id)).toEqual(['bitcoin']);
    expect(global.data.total_market_cap.usd).toBeCloseTo(1.9e12 + 4.2e11 + 1e6, 0);
    expect(global.data.total_market_cap.eur).toBeCloseTo((1.9e12 + 4.2e11 + 1e6) * 0.9, 0);
    expect(global.data.market_cap_percentage.btc).toBeCloseTo(
      (1.9e12 / (1.9e12 + 4.2e11 + 1e6)) * 100,
      8,
    );
    expect(global.data.active_cryptocurrencies).toBe(3);
    expect(rates.rates.usd).toEqual({ name: 'US Dollar', unit: 'USD', value: 97000, type: 'fiat' });
    expect(rates.rates.eur.value).toBeCloseTo(87300, 6);
    expect(rates.rates.sats.value).toBeCloseTo(1e8, 6);
  });

  it('answers errors in CoinGecko’s body, with the usual status and X-Request-Id', async () => {
    await expect(client.coins.getID('no-such-coin')).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.coins.markets.get({ vs_currency: 'xyz' })).rejects.toBeInstanceOf(
      BadRequestError,
    );

    const missing = await api.get('/api/v3/coins/no-such-coin');
    const invalid = await api.get('/api/v3/coins/markets', { query: { vs_currency: 'xyz' } });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: 'coin not found' });
    expect(missing.headers.get('x-request-id')).toBeTruthy();
    expect(invalid.status).toBe(400);
    expect(invalid.body).toEqual({
      error: expect.stringMatching(/^vs_currency must be one of: .*eur.*usd/),
    });
  });

  it('accepts and ignores the parameters CoinGecko clients add, on this surface only', async () => {
    const extras = { x_cg_demo_api_key: 'k', locale: 'en' };
    const v3 = await api.get('/api/v3/coins/markets', {
      query: { vs_currency: 'usd', ...extras },
      headers: { 'x-cg-pro-api-key': 'k' },
    });
    const v1 = await api.get('/api/v1/cryptocurrencies', { query: extras });

    expect(v3.status).toBe(200);
    expect(v1.status).toBe(400);
  });

  it('caches one answer whatever the caller’s key, and keeps keys out of the cache', async () => {
    const ask = (key: string) =>
      api.get('/api/v3/simple/price', {
        query: { ids: 'bitcoin', vs_currencies: 'usd,eur', x_cg_demo_api_key: key },
      });
    const first = await ask('CG-first-caller-secret');
    const second = await ask('CG-second-caller-secret');

    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.headers.get('x-cache')).toBe('HIT');
    expect(second.body).toEqual(first.body);
    if (serverRedisUrl) {
      const redis = new Redis(serverRedisUrl);
      try {
        const keys = await redis.keys(`${sut.config.redis.keyPrefix}:*`);
        expect(keys.length).toBeGreaterThan(0);
        expect(keys.filter((key) => key.includes('caller-secret'))).toEqual([]);
      } finally {
        redis.disconnect();
      }
    }
  });
});
