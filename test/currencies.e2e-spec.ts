import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoinGeckoFxSource } from '../src/currencies/coingecko-fx.source';
import { CurrenciesService } from '../src/currencies/currencies.service';
import { FxBundleService } from '../src/currencies/fx-bundle.service';
import { FxRatesRepository } from '../src/currencies/fx-rates.repository';
import { clientsFor, expectProblem } from './support/clients';
import { FakeProviderServer } from './support/fake-provider-server';
import { anAsset, MarketSeeder, minuteCandles } from './support/market-fixtures';
import { startTestApp, type TestApp } from './support/test-app';

const EXCHANGE_RATES = JSON.parse(
  readFileSync(join(__dirname, 'fixtures/providers/coingecko-exchange-rates.json'), 'utf8'),
) as unknown;
const DAY = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const PAST = Date.parse('2024-03-04T10:00:00Z');
/** Ten days after the last seeded rate before it (2024-01-10): beyond FX_CARRY_DAYS (7). */
const NO_RATE = Date.parse('2024-01-20T10:00:00Z');

describe('Prices in any currency (e2e)', () => {
  const coingecko = new FakeProviderServer();
  let sut: TestApp;
  let seed: MarketSeeder;
  let ethId: number;
  const { market } = clientsFor(() => sut.baseUrl);

  const setRates = async (currency: string, rates: [number, string][]) => {
    const repository = sut.app.get(FxRatesRepository);
    await repository.upsertCurrencies([
      { code: currency, name: currency, kind: 'fiat', source: 'coingecko' },
    ]);
    await repository.upsertRates(
      rates.map(([day, rate]) => ({ currency, day: isoDay(day), rate, source: 'coingecko' })),
    );
    await sut.app.get(CurrenciesService).ratesChanged();
  };

  beforeAll(async () => {
    sut = await startTestApp({ env: { COINGECKO_BASE_URL: await coingecko.start() } });
    seed = new MarketSeeder(sut.app);
    const ids = await seed.assets([
      anAsset({
        symbol: 'BTC',
        name: 'Bitcoin',
        currentPrice: 97000,
        marketCap: 1.9e12,
        marketCapRank: 1,
      }),
      anAsset({
        symbol: 'ETH',
        name: 'Ethereum',
        currentPrice: 3500,
        marketCap: 4.2e11,
        totalVolume: 2e10,
        marketCapRank: 2,
        priceChangePercentage24h: -2.5,
        ath: 4000,
        athDate: new Date(PAST),
      }),
    ]);
    ethId = ids.get('ETH')!;
    await setRates('eur', [
      [Date.now(), '0.9'],
      [Date.now() - DAY, '0.9'],
      [PAST, '0.8'],
      [Date.parse('2024-01-10T00:00:00Z'), '0.85'],
    ]);
    await seed.candles([
      ...minuteCandles(ethId, new Date(PAST), 60, { base: 3000, step: 1 }),
      ...minuteCandles(ethId, new Date(NO_RATE), 5, { base: 2500 }),
    ]);
    await seed.directCandles('1d', [
      {
        assetId: ids.get('BTC')!,
        openTime: new Date(Date.parse('2024-03-04T00:00:00Z')),
        source: 'binance',
        open: 60000,
        high: 61000,
        low: 59000,
        close: 60000,
        volume: 1,
      },
    ]);
    await seed.snapshots([
      {
        assetId: ethId,
        timestamp: new Date(PAST + 2 * 3_600_000),
        source: 'coingecko',
        price: 3100,
        marketCap: 3.1e11,
        totalVolume: 1e10,
      },
      {
        assetId: ethId,
        timestamp: new Date(NO_RATE),
        source: 'coingecko',
        price: 2500,
        marketCap: 2.5e11,
        totalVolume: 1e10,
      },
    ]);
    await seed.latestPrices([
      { symbol: 'ETH', price: 3500, timestamp: Date.now(), source: 'binance' },
    ]);
  });

  afterAll(async () => {
    await sut.close();
    await coingecko.stop();
  });

  it('lists current amounts at the current rate, the ATH at its own day’s rate', async () => {
    const { status, body } = await market.list({ vs_currency: 'EUR', symbols: 'ETH' });

    expect(status).toBe(200);
    expect(body.vs_currency).toBe('eur');
    const [eth] = body.items;
    expect(eth.current_price).toBeCloseTo(3150, 8);
    expect(eth.market_cap).toBeCloseTo(3.78e11, 0);
    expect(eth.total_volume).toBeCloseTo(1.8e10, 0);
    expect(eth.ath).toBeCloseTo(3200, 8);
    expect(eth.price_change_percentage_24h).toBeCloseTo(-2.5, 10);
  });

  it('answers in crypto quote currencies from the service’s own prices', async () => {
    const btc = await market.detail('ETH', { query: { vs_currency: 'btc' } });
    const sats = await market.top('market_cap', { vs_currency: 'sats', limit: 2 });

    expect(btc.body.vs_currency).toBe('btc');
    expect(btc.body.current_price).toBeCloseTo(3500 / 97000, 12);
    // The ATH day's BTC close (60,000), not today's price.
    expect(btc.body.ath).toBeCloseTo(4000 / 60000, 12);
    expect(sats.body.items.map((a) => [a.symbol, a.current_price])).toEqual([
      ['BTC', 1e8],
      ['ETH', expect.closeTo((3500 / 97000) * 1e8, 4)],
    ]);
  });

  it('converts a past candle at its own day’s rate, and a day without a rate to null', async () => {
    const past = await market.ohlc('ETH', {
      timeframe: '1h',
      start: new Date(PAST).toISOString(),
      limit: 1,
      vs_currency: 'eur',
    });
    const inBtc = await market.ohlc('ETH', {
      timeframe: '1h',
      start: new Date(PAST).toISOString(),
      limit: 1,
      vs_currency: 'btc',
    });
    const none = await market.ohlc('ETH', {
      timeframe: '1h',
      start: new Date(NO_RATE).toISOString(),
      limit: 1,
      vs_currency: 'eur',
    });

    expect(past.body.vs_currency).toBe('eur');
    expect(past.body.ohlc).toEqual([
      expect.objectContaining({
        open: expect.closeTo(2400, 8),
        high: expect.closeTo(3061 * 0.8, 8),
        low: expect.closeTo(2399.2, 8),
        close: expect.closeTo(2448, 8),
        volume: 600,
      }),
    ]);
    expect(inBtc.body.ohlc[0].open).toBeCloseTo(0.05, 12);
    expect(none.body.ohlc).toEqual([
      expect.objectContaining({ open: null, high: null, low: null, close: null, volume: 50 }),
    ]);
  });

  it('converts history points at their own day’s rate, null without one', async () => {
    const { body } = await market.history('ETH', { vs_currency: 'eur', order: 'asc' });

    expect(body.vs_currency).toBe('eur');
    expect(body.items.map((p) => [p.price, p.market_cap])).toEqual([
      [null, null],
      [expect.closeTo(2480, 8), expect.closeTo(2.48e11, 0)],
    ]);
  });

  it('converts the latest price and the indicators', async () => {
    const price = await market.price('ETH', { query: { vs_currency: 'eur' } });
    const query = {
      timeframe: '1m',
      end: new Date(PAST + 59 * 60_000).toISOString(),
      period: 5,
      limit: 3,
      indicators: 'sma',
    };
    const usd = await market.indicators('ETH', query);
    const eur = await market.indicators('ETH', { ...query, vs_currency: 'eur' });

    expect(price.body).toEqual(
      expect.objectContaining({ vs_currency: 'eur', price: expect.closeTo(3150, 8) }),
    );
    expect(eur.body.vs_currency).toBe('eur');
    const inUsd = usd.body.indicators.sma!.map((p) => p.value!);
    const inEur = eur.body.indicators.sma!.map((p) => p.value!);
    expect(inEur).toHaveLength(3);
    inEur.forEach((value, i) => expect(value).toBeCloseTo(inUsd[i] * 0.8, 8));
  });

  it('refuses an unsupported currency with a 400 naming the supported ones', async () => {
    for (const vs_currency of ['xyz', '1e']) {
      const problem = expectProblem(await market.list({ vs_currency }), 400);
      expect(problem.errors).toEqual([{ field: 'vs_currency', message: expect.any(String) }]);
    }
    const problem = expectProblem(
      await market.price('ETH', { query: { vs_currency: 'xyz' } }),
      400,
    );
    expect(problem.errors![0].message).toBe(
      'vs_currency must be one of: bits, btc, eth, eur, sats, usd',
    );
  });

  it('stores CoinGecko /exchange_rates as today’s rates, per US dollar', async () => {
    coingecko.script({ status: 200, body: EXCHANGE_RATES });

    const outcome = await sut.app.get(CoinGeckoFxSource).refresh();
    const gbp = await market.price('ETH', { query: { vs_currency: 'gbp' } });

    expect(coingecko.requests.map((r) => r.url)).toEqual(['/exchange_rates']);
    expect(outcome).toEqual({ currencies: 5, written: 5, rejected: 4 });
    expect(gbp.body.price).toBeCloseTo(3500 * 0.8, 8);
  });

  it('imports the bundled FX history without replacing a live source’s rates', async () => {
    const outcome = await sut.app.get(FxBundleService).importAll();
    const { body } = await market.ohlc('ETH', {
      timeframe: '1h',
      start: new Date(NO_RATE).toISOString(),
      limit: 1,
      vs_currency: 'eur',
      fill: 'none',
    });
    const past = await market.history('ETH', { vs_currency: 'eur', order: 'asc', limit: 2 });

    expect(outcome).toEqual({ files: 6, written: expect.any(Number), failed: 0 });
    expect(outcome!.written).toBeGreaterThan(30_000);
    // Yahoo's EUR rate of 2024-01-19 (Friday), carried over the weekend.
    expect(body.ohlc[0].open).toBeCloseTo(2500 * 0.91919001, 6);
    // 2024-03-04 keeps the seeded coingecko rate.
    expect(past.body.items[1].price).toBeCloseTo(2480, 8);
  });
});
