// Hourly and daily candles from several places (roll-ups of finer data, klines and files
// delivered at that width) side by side, and the precedence that picks one per bucket.
import type { CandleWrite } from '../src/price-history/candles.repository';
import { clientsFor, type Query } from './support/clients';
import { minuteCandles, type MarketSeeder } from './support/market-fixtures';
import { HOUR, startMarketApi } from './support/market-api';
import type { TestApp } from './support/test-app';

const DAY = 24 * HOUR;
/** A Monday: 2020-01-06T00:00:00Z. */
const MONDAY = Date.UTC(2020, 0, 6);

/** `count` consecutive candles `width` apart, prices walking by `step` from `base`. */
function candles(
  assetId: number,
  start: number,
  count: number,
  width: number,
  { source, base, step = 1 }: { source: string; base: number; step?: number },
): CandleWrite[] {
  return Array.from({ length: count }, (_, i) => ({
    assetId,
    openTime: new Date(start + i * width),
    source,
    open: base + i * step,
    high: base + i * step + 5,
    low: base + i * step - 5,
    close: base + (i + 1) * step,
    volume: 100,
    tradeCount: 10,
  }));
}

describe('Candle precedence (e2e)', () => {
  let sut: TestApp;
  let seed: MarketSeeder;
  let ids: Map<string, number>;
  const { market } = clientsFor(() => sut.baseUrl);
  const ohlc = async (symbol: string, query: Query) => (await market.ohlc(symbol, query)).body;
  const day = (n: number) => new Date(MONDAY + n * DAY).toISOString();

  beforeAll(async () => {
    ({ sut, seed, ids } = await startMarketApi());
    const sol = ids.get('SOL')!;
    // SOL: 14 bundled daily candles from MONDAY (closes 101…114) …
    await seed.directCandles('1d', candles(sol, MONDAY, 14, DAY, { source: 'bundled', base: 100 }));
    // … the whole of day 2 in Binance 1-minute candles (complete, finer) …
    await seed.candles(
      minuteCandles(sol, new Date(MONDAY + 2 * DAY), 1_440, { base: 500, step: 0 }),
    );
    // … and only the first two hours of day 3 (partial).
    await seed.candles(minuteCandles(sol, new Date(MONDAY + 3 * DAY), 120, { base: 700, step: 0 }));

    const doge = ids.get('DOGE')!;
    // DOGE day 0: a Binance daily kline and 24 hourly ones; day 1: the daily and 23 hourly.
    await seed.directCandles('1d', candles(doge, MONDAY, 2, DAY, { source: 'binance', base: 1 }));
    await seed.directCandles('1h', [
      ...candles(doge, MONDAY, 24, HOUR, { source: 'binance', base: 10 }),
      ...candles(doge, MONDAY + DAY, 23, HOUR, { source: 'binance', base: 50 }),
    ]);
    await seed.invalidate(['SOL', 'DOGE']);
  });

  afterAll(async () => {
    await sut.close();
  });

  it('serves daily candles delivered at that width, with their source, and weeks built from them', async () => {
    const daily = await ohlc('SOL', { timeframe: '1d', start: day(7), limit: 7 });
    expect(daily.ohlc).toHaveLength(7);
    expect(daily.ohlc[0]).toMatchObject({
      timestamp: MONDAY + 7 * DAY,
      open: 107,
      close: 108,
      source: 'bundled',
    });
    expect(daily.source).toBe('bundled');

    const weekly = await ohlc('SOL', { timeframe: '1w', start: day(7), limit: 1 });
    expect(weekly.ohlc).toEqual([
      {
        timestamp: MONDAY + 7 * DAY,
        open: 107,
        high: 118,
        low: 102,
        close: 114,
        volume: 700,
        trade_count: 70,
        is_closed: true,
        source: 'bundled',
      },
    ]);
  });

  it('prefers a complete roll-up of finer data over a coarser candle of another source, and keeps both', async () => {
    const chosen = await ohlc('SOL', { timeframe: '1d', start: day(2), limit: 1 });
    expect(chosen.ohlc[0]).toMatchObject({
      open: 500,
      close: 500,
      volume: 14_400,
      trade_count: 4_320,
      source: 'binance',
    });

    const bundled = await ohlc('SOL', {
      timeframe: '1d',
      start: day(2),
      limit: 1,
      source: 'bundled',
    });
    expect(bundled.ohlc[0]).toMatchObject({ open: 102, close: 103, source: 'bundled' });
    expect(bundled.source).toBe('bundled');

    const week = await ohlc('SOL', { timeframe: '1w', start: day(0), limit: 1 });
    expect(week.ohlc[0]).toMatchObject({ open: 100, close: 107, source: 'bundled,binance' });
  });

  it('does not let a partial roll-up stand in for a complete day, while its hours are served', async () => {
    const daily = await ohlc('SOL', { timeframe: '1d', start: day(3), limit: 1 });
    expect(daily.ohlc[0]).toMatchObject({ open: 103, close: 104, source: 'bundled' });

    const hourly = await ohlc('SOL', { timeframe: '1h', start: day(3), limit: 3 });
    expect(hourly.ohlc.map((c) => [c.open, c.source])).toEqual([
      [700, 'binance'],
      [700, 'binance'],
    ]);
    expect(hourly.gaps).toEqual([
      { from: MONDAY + 3 * DAY + 2 * HOUR, to: MONDAY + 3 * DAY + 3 * HOUR },
    ]);
  });

  it('rolls a source’s direct hourly candles into days, preferred to its daily candle only when complete', async () => {
    const days = await ohlc('DOGE', { timeframe: '1d', start: day(0), limit: 2 });
    expect(days.ohlc.map(({ open, close, volume }) => ({ open, close, volume }))).toEqual([
      // Day 0: 24 hourly candles, complete and finer than the daily kline.
      { open: 10, close: 34, volume: 2_400 },
      // Day 1: 23 hourly candles are not the whole day: the daily kline stands.
      { open: 2, close: 3, volume: 100 },
    ]);
    const hours = await ohlc('DOGE', { timeframe: '4h', start: day(0), limit: 1 });
    expect(hours.ohlc[0]).toMatchObject({ open: 10, close: 14, volume: 400, source: 'binance' });
  });

  it('carries the last daily close across a gap with fill=previous', async () => {
    const filled = await ohlc('SOL', {
      timeframe: '1d',
      start: day(13),
      limit: 3,
      fill: 'previous',
    });
    expect(filled.ohlc.map((c) => [c.close, c.filled ?? false])).toEqual([
      [114, false],
      [114, true],
      [114, true],
    ]);
  });

  it('ends indicators at the newest candle of the timeframe, not at now', async () => {
    const { body } = await market.indicators('SOL', {
      timeframe: '1d',
      indicators: 'sma',
      period: 3,
      limit: 2,
    });
    const sma = body.indicators.sma!;
    expect(sma.map((p) => p.timestamp)).toEqual([MONDAY + 12 * DAY, MONDAY + 13 * DAY]);
    expect(sma.map((p) => p.value)).toEqual([(111 + 112 + 113) / 3, (112 + 113 + 114) / 3]);
  });
});
