// Binance daily and hourly kline history against a local stand-in: bounded slices, a
// checkpoint per pair and interval, malformed rows rejected alone, and a provider cut midway
// that a later slice completes to the same candles as an uninterrupted backfill.
import { KlineHistoryService } from '../src/ingestion/history/kline-history.service';
import type { OhlcDto } from './support/api-types';
import { clientsFor, type Query } from './support/clients';
import { FakeBinance, klinePrice } from './support/fake-binance';
import { startTestApp, type TestApp } from './support/test-app';

const DAY = 86_400_000;
/** BTCUSDT's first day at Binance; ETHUSDT here from a year and a half ago. */
const BTC_LISTED = Date.UTC(2017, 7, 17);
const ETH_LISTED = Math.floor((Date.now() - 550 * DAY) / DAY) * DAY;

interface Run {
  status: string;
  fetchedCount: number;
  skippedCount: number;
  error: string | null;
  details: { pages: number; pending: number; rejected: { at: string; reason: string }[] };
}

describe('Binance kline history (e2e, local fake Binance)', () => {
  const binance = new FakeBinance();
  let baseUrl: string;
  const apps: TestApp[] = [];

  const start = async (pagesPerMinute = 5) => {
    const sut = await startTestApp({
      env: {
        INGESTION_PROVIDERS: 'binance',
        BINANCE_BASE_URL: baseUrl,
        BINANCE_SYMBOLS: 'BTC,ETH',
        BINANCE_HOURLY_HISTORY_DAYS: '60',
        BINANCE_HISTORY_PAGES_PER_MINUTE: String(pagesPerMinute),
        PROVIDER_TIMEOUT_MS: '1000',
      },
    });
    apps.push(sut);
    return sut;
  };
  const slice = async (sut: TestApp) =>
    (await sut.app.get(KlineHistoryService).runSlice('manual')) as unknown as Run | null;
  /** The candles /ohlc serves for this query. */
  const candlesOf = async (sut: TestApp, symbol: string, query: Query) =>
    (await clientsFor(sut.baseUrl).market.ohlc(symbol, query)).body.ohlc;
  /** Every stored daily and hourly candle of both symbols, as the API serves them. */
  const everything = async (sut: TestApp) => {
    const all: OhlcDto['ohlc'][] = [];
    for (const symbol of ['BTC', 'ETH']) {
      for (let from = BTC_LISTED; from < Date.now(); from += 1_000 * DAY) {
        all.push(await candlesOf(sut, symbol, { timeframe: '1d', limit: 1000, start: from }));
      }
      all.push(
        await candlesOf(sut, symbol, {
          timeframe: '1h',
          limit: 1000,
          start: Date.now() - 60 * DAY,
        }),
        await candlesOf(sut, symbol, {
          timeframe: '1h',
          limit: 1000,
          start: Date.now() - 19 * DAY,
        }),
      );
    }
    return all;
  };

  beforeAll(async () => {
    ({ baseUrl } = await binance.start());
    binance.listedAt = { BTCUSDT: BTC_LISTED, ETHUSDT: ETH_LISTED };
  });

  afterAll(async () => {
    for (const sut of apps) await sut.close();
    await binance.stop();
  });

  it('backfills daily history from the first trading day, then hourly, in bounded slices', async () => {
    const sut = await start();
    binance.requests.length = 0;

    const first = await slice(sut);
    const requests = binance.klineRequests();
    // BTC: ~3,400 days = 4 pages; ETH: ~550 days = 1 page. The slice's budget is 5 pages.
    expect(requests.map((r) => [r.query.get('symbol'), r.query.get('interval')])).toEqual([
      ['BTCUSDT', '1d'],
      ['BTCUSDT', '1d'],
      ['BTCUSDT', '1d'],
      ['BTCUSDT', '1d'],
      ['ETHUSDT', '1d'],
    ]);
    expect(requests[0].query.get('startTime')).toBe('0');
    expect(first).toMatchObject({ status: 'success', details: { pages: 5 } });
    expect(first!.details.pending).toBeGreaterThan(0);

    const second = await slice(sut);
    expect(second).toMatchObject({ status: 'success', details: { pages: 4, pending: 0 } });
    expect(await slice(sut)).toBeNull();

    const days = await candlesOf(sut, 'BTC', {
      timeframe: '1d',
      limit: 3,
      start: BTC_LISTED - 2 * DAY,
    });
    expect(days).toEqual([
      expect.objectContaining({
        timestamp: BTC_LISTED,
        open: klinePrice('BTCUSDT', BTC_LISTED),
        close: klinePrice('BTCUSDT', BTC_LISTED) + 0.5,
        source: 'binance',
      }),
    ]);
    const weeks = await candlesOf(sut, 'BTC', { timeframe: '1w', limit: 1000 });
    expect(weeks.length).toBeGreaterThan(480);
    const hours = await candlesOf(sut, 'ETH', {
      timeframe: '1h',
      limit: 24,
      start: Date.now() - 30 * DAY,
    });
    expect(hours).toHaveLength(24);
    expect(new Set(hours.map((c) => c.source))).toEqual(new Set(['binance']));
  });

  it('rejects a malformed kline alone and completes a backfill cut midway to the same candles', async () => {
    const reference = apps[0];
    const badDay = BTC_LISTED + 10 * DAY;
    binance.malformed.add(badDay);
    const sut = await start(20);
    binance.requests.length = 0;
    // The provider fails from its third kline request on (each failure retried, then given up).
    binance.klinesFailure = { status: 500, afterRequests: 2 };

    const cut = await slice(sut);
    expect(cut).toMatchObject({ status: 'partial', skippedCount: 1 });
    expect(cut!.error).toMatch(/500/);
    expect(cut!.details.rejected).toEqual([
      { at: expect.stringMatching(/^BTC kline \d+$/), reason: 'a price or volume is not a number' },
    ]);
    // What was stored stops where the checkpoint says: the first two pages, nothing after.
    const stored = await candlesOf(sut, 'BTC', { timeframe: '1d', limit: 1000, start: BTC_LISTED });
    expect(stored).toHaveLength(999);
    expect(
      await candlesOf(sut, 'BTC', { timeframe: '1d', limit: 10, start: BTC_LISTED + 2_000 * DAY }),
    ).toEqual([]);

    binance.klinesFailure = undefined;
    binance.malformed.clear();
    while ((await slice(sut)) !== null);

    // The same candles as the uninterrupted backfill, but for the malformed day: rejected, a gap.
    const expected = (await everything(reference)).map((candles) =>
      candles.filter((c) => c.timestamp !== badDay),
    );
    expect(await everything(sut)).toEqual(expected);
  });
});
