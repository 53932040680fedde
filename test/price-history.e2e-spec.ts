import { clientsFor, expectProblem, parseQuery } from './support/clients';
import { minuteCandles, type MarketSeeder } from './support/market-fixtures';
import { HOUR, MINUTE, DAY0, startMarketApi } from './support/market-api';
import type { TestApp } from './support/test-app';

describe('Prices and candles API (e2e)', () => {
  let sut: TestApp;
  let seed: MarketSeeder;
  let ids: Map<string, number>;
  const { market, compat } = clientsFor(() => sut.baseUrl);

  beforeAll(async () => {
    ({ sut, seed, ids } = await startMarketApi());
  });

  afterAll(async () => {
    await sut.close();
  });

  describe('GET /api/v1/cryptocurrencies/:symbol/history', () => {
    beforeAll(async () => {
      await seed.snapshots(
        Array.from({ length: 5 }, (_, i) => ({
          assetId: ids.get('ETH')!,
          timestamp: new Date(DAY0 + i * HOUR),
          source: 'coingecko',
          price: 3000 + i,
          marketCap: 4e11,
          totalVolume: 2e10,
        })),
      );
    });

    it('returns snapshots newest first with the total in range', async () => {
      const { body } = await market.history('ETH', { limit: 2 });

      expect(body.symbol).toBe('ETH');
      expect(body.total).toBe(5);
      expect(body.items).toEqual([
        expect.objectContaining({
          price: 3004,
          market_cap: 4e11,
          timestamp: '2026-11-20T04:00:00.000Z',
        }),
        expect.objectContaining({ price: 3003 }),
      ]);
    });

    it('filters by a range given as ISO 8601 or epoch ms, oldest first on request', async () => {
      const { body } = await market.history('ETH', {
        start_date: '2026-11-20T01:00:00Z',
        end_date: DAY0 + 3 * HOUR,
        order: 'asc',
      });

      expect(body.items.map((i) => i.price)).toEqual([3001, 3002, 3003]);
      expect(body.total).toBe(3);
    });

    it('reads an epoch number below 100,000,000,000 as seconds, as CoinGecko gives it', async () => {
      const seconds = (DAY0 + HOUR) / 1000;
      const { body } = await market.history('ETH', {
        start_date: seconds,
        end_date: DAY0 + 3 * HOUR,
        order: 'asc',
      });

      expect(body.items.map((i) => i.price)).toEqual([3001, 3002, 3003]);
    });

    it.each([
      ['start_date=2026-11-21&end_date=2026-11-20', 'start_date'],
      ['start_date=yesterday', 'start_date'],
      ['end_date=2026-13-45', 'end_date'],
      ['limit=5000', 'limit'],
    ])('rejects %s', async (query, field) => {
      expectProblem(await market.history('ETH', parseQuery(query)), 400, field);
    });
  });

  describe('GET /api/v1/cryptocurrencies/:symbol/ohlc', () => {
    // BTC: 1-minute candles 00:00–01:59 on DAY0, nothing 02:00–02:59, then 03:00–03:29.
    beforeAll(async () => {
      const btc = ids.get('BTC')!;
      await seed.candles([
        ...minuteCandles(btc, new Date(DAY0), 120, { base: 100, step: 1 }),
        ...minuteCandles(btc, new Date(DAY0 + 3 * HOUR), 30, { base: 500, step: 1 }),
      ]);
    });

    const range = {
      start: new Date(DAY0).toISOString(),
      end: new Date(DAY0 + 4 * HOUR - 1).toISOString(),
    };

    it('rolls 1-minute candles up: first open, highest high, lowest low, last close, summed volume', async () => {
      const { body } = await market.ohlc('BTC', { timeframe: '1h', ...range });

      expect(body.source).toBe('binance');
      expect(body.ohlc).toEqual([
        {
          timestamp: DAY0,
          open: 100,
          high: 161,
          low: 99,
          close: 160,
          volume: 600,
          trade_count: 180,
          is_closed: true,
          source: 'binance',
        },
        {
          timestamp: DAY0 + HOUR,
          open: 160,
          high: 221,
          low: 159,
          close: 220,
          volume: 600,
          trade_count: 180,
          is_closed: true,
          source: 'binance',
        },
        {
          timestamp: DAY0 + 3 * HOUR,
          open: 500,
          high: 531,
          low: 499,
          close: 530,
          volume: 300,
          trade_count: 90,
          is_closed: true,
          source: 'binance',
        },
      ]);
      expect(body.gaps).toEqual([{ from: DAY0 + 2 * HOUR, to: DAY0 + 3 * HOUR }]);
    });

    it('serves every timeframe from 1m to 1w', async () => {
      const counts: Record<string, number> = {};
      for (const timeframe of ['1m', '5m', '15m', '30m', '1h', '4h', '1d', '1w']) {
        const { status, body } = await market.ohlc('BTC', {
          timeframe: timeframe,
          ...range,
          limit: 1000,
        });
        expect(status).toBe(200);
        counts[timeframe] = body.ohlc.length;
      }

      expect(counts).toEqual({
        '1m': 150,
        '5m': 30,
        '15m': 10,
        '30m': 5,
        '1h': 3,
        '4h': 1,
        '1d': 1,
        '1w': 1,
      });
    });

    it('aggregates days and weeks from the stored roll-ups', async () => {
      const { body } = await market.ohlc('BTC', { timeframe: '1w', start: DAY0, limit: 1 });

      // Weeks start on Monday: the week of Friday DAY0 opened on 2026-11-16.
      expect(body.ohlc).toEqual([
        expect.objectContaining({
          timestamp: Date.UTC(2026, 10, 16),
          open: 100,
          high: 531,
          low: 99,
          close: 530,
          volume: 1500,
        }),
      ]);
    });

    it('fills gaps from the previous close when fill=previous', async () => {
      const { body } = await market.ohlc('BTC', { timeframe: '1h', ...range, fill: 'previous' });

      expect(body.ohlc.map((c) => c.timestamp)).toEqual([
        DAY0,
        DAY0 + HOUR,
        DAY0 + 2 * HOUR,
        DAY0 + 3 * HOUR,
      ]);
      expect(body.ohlc[2]).toEqual({
        timestamp: DAY0 + 2 * HOUR,
        open: 220,
        high: 220,
        low: 220,
        close: 220,
        volume: 0,
        trade_count: 0,
        is_closed: true,
        filled: true,
      });
      expect(body.gaps).toEqual([{ from: DAY0 + 2 * HOUR, to: DAY0 + 3 * HOUR }]);
    });

    it('returns the newest buckets up to `end` when no start is given', async () => {
      const { body } = await market.ohlc('BTC', {
        timeframe: '5m',
        limit: 3,
        end: new Date(DAY0 + 3 * HOUR + 29 * MINUTE).toISOString(),
      });

      expect(body.ohlc.map((c) => c.timestamp)).toEqual([
        DAY0 + 3 * HOUR + 15 * MINUTE,
        DAY0 + 3 * HOUR + 20 * MINUTE,
        DAY0 + 3 * HOUR + 25 * MINUTE,
      ]);
    });

    it('lists the whole range as a gap for an asset without candles', async () => {
      const { body } = await market.ohlc('DOGE', { timeframe: '1h', ...range });

      expect(body).toMatchObject({
        source: null,
        ohlc: [],
        gaps: [{ from: DAY0, to: DAY0 + 4 * HOUR }],
      });
    });

    it('keeps re-ingested minutes idempotent (same candles, same answer)', async () => {
      const before = await market.ohlc('BTC', { timeframe: '1h', ...range, source: 'binance' });
      await seed.candles(
        minuteCandles(ids.get('BTC')!, new Date(DAY0), 120, { base: 100, step: 1 }),
      );
      await seed.invalidate(['BTC']);
      const after = await market.ohlc('BTC', { timeframe: '1h', ...range, source: 'binance' });

      expect(after.body.ohlc).toEqual(before.body.ohlc);
    });

    it.each([
      ['timeframe=2h', 'timeframe'],
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['start=2026-11-21T00:00:00Z&end=2026-11-20T00:00:00Z', 'start'],
      ['start=not-a-date', 'start'],
      ['fill=zero', 'fill'],
    ])('rejects %s', async (query, field) => {
      expectProblem(await market.ohlc('BTC', parseQuery(query)), 400, field);
    });

    it('answers an unknown symbol with 404', async () => {
      expectProblem(await market.ohlc('NOPE'), 404);
    });
  });

  describe('GET /api/v1/cryptocurrencies/:symbol/price', () => {
    it('serves the latest ingested price with its age', async () => {
      const observed = Date.now() - 1_000;
      await seed.latestPrices([
        { symbol: 'SOL', price: 212.5, timestamp: observed, source: 'binance' },
      ]);

      const { body } = await market.price('sol');

      expect(body).toMatchObject({
        symbol: 'SOL',
        price: 212.5,
        timestamp: observed,
        source: 'binance',
        stale: false,
      });
      expect(body.as_of).toBe(new Date(observed).toISOString());
      expect(body.age_ms).toBeGreaterThanOrEqual(1_000);
    });

    it('falls back to the database and flags an old price as stale', async () => {
      const { body } = await market.price('BTC');

      // The newest thing PostgreSQL holds for BTC is its last 1-minute candle (03:29 on DAY0).
      expect(body).toMatchObject({ symbol: 'BTC', price: 530, source: 'binance', stale: true });
      expect(body.timestamp).toBe(DAY0 + 3 * HOUR + 30 * MINUTE);
    });

    it('answers 404 for unknown symbols and for assets without any price', async () => {
      expectProblem(await market.price('NOPE'), 404);
      expectProblem(await market.price('NOCAP'), 404);
    });
  });

  describe('GET /api/v1/cryptocurrencies/:symbol/indicators', () => {
    it('computes indicators over the candles and echoes the parameters', async () => {
      const { status, body } = await market.indicators('BTC', {
        timeframe: '1m',
        indicators: 'sma,rsi,bollinger',
        period: 5,
        limit: 3,
      });

      expect(status).toBe(200);
      expect(body.params).toMatchObject({
        period: 5,
        rsi_period: 14,
        macd_fast: 12,
        macd_slow: 26,
        macd_signal: 9,
        stddev: 2,
      });
      expect(Object.keys(body.indicators).sort()).toEqual(['bollinger', 'rsi', 'sma']);
      expect(body.indicators.sma).toHaveLength(3);
      // The last 5 closes of BTC are 526..530: their mean is 528.
      expect(body.indicators.sma!.at(-1)).toEqual({
        timestamp: DAY0 + 3 * HOUR + 29 * MINUTE,
        value: 528,
      });
      expect(body.indicators.bollinger!.at(-1)!.upper).toBeGreaterThan(528);
    });

    it('says which indicators are short of candles, and how many they need', async () => {
      // ETH has no candles at all; BTC 1h has 4 buckets (00:00–03:00 on DAY0).
      const { body: eth } = await market.indicators('ETH', { timeframe: '1h', indicators: 'rsi' });
      const { body: btc } = await market.indicators('BTC', {
        timeframe: '1m',
        indicators: 'sma,macd',
        period: 5,
        limit: 3,
      });

      expect(eth.indicators.rsi).toEqual([]);
      expect(eth.warnings).toEqual([
        {
          indicator: 'rsi',
          needed: 15,
          available: 0,
          message: 'rsi needs 15 candles of 1h for its first point, 0 available: no points',
        },
      ]);
      expect(btc.warnings).toEqual([]);
    });

    it.each([
      ['indicators=sma,vibes', 'indicators'],
      ['macd_fast=30&macd_slow=26', 'macd_fast'],
      ['period=1', 'period'],
    ])('rejects %s', async (query, field) => {
      expectProblem(await market.indicators('BTC', parseQuery(query)), 400, field);
    });
  });

  describe('compatibility routes', () => {
    it('GET /api/market/price', async () => {
      const { body } = await compat.marketPrice({ symbol: 'sol' });

      expect(body).toEqual({
        symbol: 'SOL',
        price: 212.5,
        timestamp: expect.any(Number),
        source: 'binance',
      });
    });

    it('GET /api/market/ohlc, with 400 for a bad timeframe and 404 for an unknown symbol', async () => {
      const { body } = await compat.marketOhlc({ symbol: 'BTC', timeframe: '1d', limit: 2 });
      const bad = expectProblem(
        await compat.marketOhlc({ symbol: 'BTC', timeframe: '2h' }),
        400,
        'timeframe',
      );

      expect(body).toMatchObject({ symbol: 'BTC', timeframe: '1d' });
      expect(
        body.ohlc.every(
          (c) => Object.keys(c as object).join() === 'timestamp,open,high,low,close,volume',
        ),
      ).toBe(true);
      expect(bad.detail).toContain('1m, 5m, 15m, 30m, 1h, 4h, 1d, 1w');
      expectProblem(await compat.marketOhlc({ symbol: 'NOPE' }), 404);
      expectProblem(await compat.marketPrice(), 400, 'symbol');
    });

    it('GET /api/v1/latest/:symbol returns the latest 1-minute window', async () => {
      const { body } = await compat.latest('BTC');

      expect(body).toEqual({
        symbol: 'BTC',
        window_start: new Date(DAY0 + 3 * HOUR + 29 * MINUTE).toISOString(),
        window_end: new Date(DAY0 + 3 * HOUR + 30 * MINUTE).toISOString(),
        open: 529,
        high: 531,
        low: 528,
        close: 530,
        volume_sum: 10,
        event_count: 3,
      });
      expectProblem(await compat.latest('ETH'), 404);
    });

    it('GET /api/v1/historical/:symbol pages 1-minute windows newest first with count headers', async () => {
      const first = await compat.historical('BTC', { start_time: '2026-11-20T03:00:00', limit: 2 });
      const last = await compat.historical('BTC', {
        start_time: '2026-11-20T03:00:00',
        limit: 20,
        offset: 20,
      });

      expect(first.body).toHaveLength(2);
      expect(first.body[0]).toEqual({
        symbol: 'BTC',
        window_start: new Date(DAY0 + 3 * HOUR + 29 * MINUTE).toISOString(),
        window_end: new Date(DAY0 + 3 * HOUR + 30 * MINUTE).toISOString(),
        open_price: 529,
        high_price: 531,
        low_price: 528,
        close_price: 530,
        avg_price: (529 + 531 + 528 + 530) / 4,
        volume_sum: 10,
        trade_count: 3,
      });
      expect(first.response.headers.get('x-total-count')).toBe('30');
      expect(first.response.headers.get('x-has-more')).toBe('true');
      expect(last.body).toHaveLength(10);
      expect(last.response.headers.get('x-has-more')).toBe('false');
      expectProblem(await compat.historical('BTC', { order_by: 'sideways' }), 400, 'order_by');
    });
  });
});
