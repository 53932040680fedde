import { MarketSeeder, anAsset, minuteCandles } from './support/market-fixtures';
import { startTestApp, type TestApp } from './support/test-app';

const PROBLEM_JSON = /^application\/problem\+json/;
const HOUR = 3_600_000;
const MINUTE = 60_000;
/** A fixed, whole-day origin for candle fixtures: 2026-11-20T00:00:00Z (a Friday). */
const DAY0 = Date.UTC(2026, 10, 20);

interface Page {
  items: { symbol: string; current_price: number | null; market_cap: number | null }[];
  total: number;
  page: number;
  per_page: number;
  has_next: boolean;
  has_prev: boolean;
}
interface Ohlc {
  symbol: string;
  timeframe: string;
  source: string | null;
  ohlc: {
    timestamp: number;
    open: number;
    high: number;
    low: number;
    close: number;
    volume: number;
    trade_count: number;
    is_closed: boolean;
    filled?: boolean;
  }[];
  gaps: { from: number; to: number }[];
}

describe('Market data API (e2e)', () => {
  let sut: TestApp;
  let seed: MarketSeeder;
  let ids: Map<string, number>;

  const get = async <T = unknown>(path: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${sut.baseUrl}${path}`, { headers });
    const text = await response.text();
    return { response, status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  const expectProblem = async (path: string, status: number, field?: string) => {
    const { response, body } = await get<{ errors?: { field: string }[]; detail: string }>(path);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(PROBLEM_JSON);
    if (field) expect(body.errors?.map((e) => e.field)).toContain(field);
    return body;
  };

  beforeAll(async () => {
    sut = await startTestApp();
    seed = new MarketSeeder(sut.app);
    ids = await seed.assets([
      anAsset({
        symbol: 'BTC',
        name: 'Bitcoin',
        currentPrice: 97000,
        marketCap: 1.9e12,
        totalVolume: 4.5e10,
        marketCapRank: 1,
        priceChangePercentage24h: 1.5,
        coingeckoId: 'bitcoin',
      }),
      anAsset({
        symbol: 'ETH',
        name: 'Ethereum',
        currentPrice: 3500,
        marketCap: 4.2e11,
        totalVolume: 2e10,
        marketCapRank: 2,
        priceChangePercentage24h: -2.5,
      }),
      anAsset({
        symbol: 'SOL',
        name: 'Solana',
        currentPrice: 210,
        marketCap: 1e11,
        totalVolume: 5e9,
        marketCapRank: 3,
        priceChangePercentage24h: 6.2,
        source: 'coinpaprika',
      }),
      anAsset({
        symbol: 'DOGE',
        name: 'Dogecoin',
        currentPrice: 0.4,
        marketCap: 6e10,
        totalVolume: 3e9,
        marketCapRank: 4,
        priceChangePercentage24h: -8.1,
      }),
      anAsset({
        symbol: 'TINY',
        name: 'Tiny Moon',
        currentPrice: 0.0001,
        marketCap: 1e5,
        totalVolume: 50,
        marketCapRank: 900,
        priceChangePercentage24h: 450,
      }),
      anAsset({
        symbol: 'NOCAP',
        name: 'No Cap',
        currentPrice: null,
        marketCap: null,
        totalVolume: null,
        priceChangePercentage24h: null,
      }),
    ]);
  });

  afterAll(async () => {
    await sut.close();
  });

  describe('GET /api/v1/cryptocurrencies', () => {
    it('lists by market cap, largest first, with numbers as numbers and a real total', async () => {
      const { status, body } = await get<Page>('/api/v1/cryptocurrencies');

      expect(status).toBe(200);
      expect(body.items.map((i) => i.symbol)).toEqual([
        'BTC',
        'ETH',
        'SOL',
        'DOGE',
        'TINY',
        'NOCAP',
      ]);
      expect(body.items[0]).toMatchObject({
        current_price: 97000,
        market_cap: 1.9e12,
        market_cap_rank: 1,
      });
      expect(body).toMatchObject({
        total: 6,
        page: 1,
        per_page: 100,
        has_next: false,
        has_prev: false,
      });
    });

    it('paginates with skip/limit and with page/per_page', async () => {
      const first = await get<Page>('/api/v1/cryptocurrencies?limit=2');
      const second = await get<Page>('/api/v1/cryptocurrencies?page=2&per_page=2');
      const beyond = await get<Page>('/api/v1/cryptocurrencies?skip=10&limit=5');

      expect(first.body).toMatchObject({
        total: 6,
        page: 1,
        per_page: 2,
        has_next: true,
        has_prev: false,
      });
      expect(second.body.items.map((i) => i.symbol)).toEqual(['SOL', 'DOGE']);
      expect(second.body).toMatchObject({ page: 2, has_next: true, has_prev: true });
      expect(beyond.body).toMatchObject({ items: [], total: 6, has_next: false, has_prev: true });
    });

    it.each([
      ['search=bit', ['BTC']],
      ['symbol_filter=eth', ['ETH']],
      ['search=moon', ['TINY']],
      ['symbols=sol,btc', ['BTC', 'SOL']],
      ['min_market_cap=1e11&max_market_cap=5e11', ['ETH', 'SOL']],
      ['min_volume=1e10', ['BTC', 'ETH']],
      ['min_price=1&max_price=5000', ['ETH', 'SOL']],
      ['source=coinpaprika', ['SOL']],
      ['search=%25', []],
    ])('filters: %s', async (query, expected) => {
      const { body } = await get<Page>(`/api/v1/cryptocurrencies?${query}`);

      expect(body.items.map((i) => i.symbol)).toEqual(expected);
      expect(body.total).toBe(expected.length);
    });

    it.each([
      ['sort_by=current_price&order=asc', ['TINY', 'DOGE', 'SOL', 'ETH', 'BTC', 'NOCAP']],
      ['sort_by=name&order=asc', ['BTC', 'DOGE', 'ETH', 'NOCAP', 'SOL', 'TINY']],
      ['sort_by=symbol&order=desc', ['TINY', 'SOL', 'NOCAP', 'ETH', 'DOGE', 'BTC']],
      ['sort_by=price_change_percentage_24h', ['TINY', 'SOL', 'BTC', 'ETH', 'DOGE', 'NOCAP']],
      ['sort_by=market_cap_rank&order=asc', ['BTC', 'ETH', 'SOL', 'DOGE', 'TINY', 'NOCAP']],
    ])('sorts: %s (missing values last)', async (query, expected) => {
      const { body } = await get<Page>(`/api/v1/cryptocurrencies?${query}`);

      expect(body.items.map((i) => i.symbol)).toEqual(expected);
    });

    it.each([
      ['skip=-1', 'skip'],
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['limit=abc', 'limit'],
      ['order=sideways', 'order'],
      ['sort_by=hype', 'sort_by'],
      ['page=0', 'page'],
      ['unknown=1', 'unknown'],
      ['symbols=BTC,B-TC', 'symbols'],
      ['min_market_cap=-5', 'min_market_cap'],
      ['min_price=10&max_price=1', 'min_price'],
      ["search=' OR 1=1 --&min_volume=NaN", 'min_volume'],
    ])('rejects %s with a 400 naming %s', async (query, field) => {
      await expectProblem(`/api/v1/cryptocurrencies?${query}`, 400, field);
    });

    it('is also served with a trailing slash (old clients)', async () => {
      expect((await get('/api/v1/cryptocurrencies/?limit=1')).status).toBe(200);
    });
  });

  describe('GET /api/v1/cryptocurrencies/:symbol', () => {
    it('returns the full record, case-insensitively', async () => {
      const { status, body } = await get<Record<string, unknown>>('/api/v1/cryptocurrencies/btc');

      expect(status).toBe(200);
      expect(body).toMatchObject({
        symbol: 'BTC',
        name: 'Bitcoin',
        current_price: 97000,
        provider_ids: { coingecko: 'bitcoin', coinmarketcap: null, coinpaprika: null },
        is_active: true,
        last_updated: '2026-11-20T00:00:00.000Z',
      });
    });

    it('answers an unknown symbol with 404', async () => {
      const body = await expectProblem('/api/v1/cryptocurrencies/NOPE', 404);

      expect(body.detail).toBe("Cryptocurrency with symbol 'NOPE' not found");
    });

    it.each(['B-TC', 'A'.repeat(21), '%27%3B--'])(
      'rejects the malformed symbol %s',
      async (symbol) => {
        await expectProblem(`/api/v1/cryptocurrencies/${symbol}`, 400, 'symbol');
      },
    );
  });

  describe('GET /api/v1/cryptocurrencies/top/:category', () => {
    it.each([
      ['market_cap', '', ['BTC', 'ETH', 'SOL']],
      ['volume', '', ['BTC', 'ETH', 'SOL']],
      ['gainers', '', ['TINY', 'SOL', 'BTC']],
      ['gainers', '&min_volume=1000000', ['SOL', 'BTC', 'ETH']],
      ['losers', '', ['DOGE', 'ETH', 'BTC']],
    ])('%s %s', async (category, extra, expected) => {
      const { body } = await get<{ category: string; items: { symbol: string }[] }>(
        `/api/v1/cryptocurrencies/top/${category}?limit=3${extra}`,
      );

      expect(body.category).toBe(category);
      expect(body.items.map((i) => i.symbol)).toEqual(expected);
    });

    it('names the allowed categories for a bad one', async () => {
      const body = await expectProblem('/api/v1/cryptocurrencies/top/hype', 400, 'category');

      expect(body.detail).toContain('market_cap, volume, gainers, losers');
    });

    it('caps the limit at 100', async () => {
      await expectProblem('/api/v1/cryptocurrencies/top/volume?limit=101', 400, 'limit');
    });
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
      const { body } = await get<{
        symbol: string;
        items: { price: number; timestamp: string }[];
        total: number;
      }>('/api/v1/cryptocurrencies/ETH/history?limit=2');

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
      const { body } = await get<{ items: { price: number }[]; total: number }>(
        `/api/v1/cryptocurrencies/ETH/history?start_date=2026-11-20T01:00:00Z&end_date=${DAY0 + 3 * HOUR}&order=asc`,
      );

      expect(body.items.map((i) => i.price)).toEqual([3001, 3002, 3003]);
      expect(body.total).toBe(3);
    });

    it('reads an epoch number below 100,000,000,000 as seconds, as CoinGecko gives it', async () => {
      const seconds = (DAY0 + HOUR) / 1000;
      const { body } = await get<{ items: { price: number }[] }>(
        `/api/v1/cryptocurrencies/ETH/history?start_date=${seconds}&end_date=${DAY0 + 3 * HOUR}&order=asc`,
      );

      expect(body.items.map((i) => i.price)).toEqual([3001, 3002, 3003]);
    });

    it.each([
      ['start_date=2026-11-21&end_date=2026-11-20', 'start_date'],
      ['start_date=yesterday', 'start_date'],
      ['end_date=2026-13-45', 'end_date'],
      ['limit=5000', 'limit'],
    ])('rejects %s', async (query, field) => {
      await expectProblem(`/api/v1/cryptocurrencies/ETH/history?${query}`, 400, field);
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

    const range = `start=${new Date(DAY0).toISOString()}&end=${new Date(DAY0 + 4 * HOUR - 1).toISOString()}`;

    it('rolls 1-minute candles up: first open, highest high, lowest low, last close, summed volume', async () => {
      const { body } = await get<Ohlc>(`/api/v1/cryptocurrencies/BTC/ohlc?timeframe=1h&${range}`);

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
        },
      ]);
      expect(body.gaps).toEqual([{ from: DAY0 + 2 * HOUR, to: DAY0 + 3 * HOUR }]);
    });

    it('serves every timeframe from 1m to 1w', async () => {
      const counts: Record<string, number> = {};
      for (const timeframe of ['1m', '5m', '15m', '30m', '1h', '4h', '1d', '1w']) {
        const { status, body } = await get<Ohlc>(
          `/api/v1/cryptocurrencies/BTC/ohlc?timeframe=${timeframe}&${range}&limit=1000`,
        );
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
      const { body } = await get<Ohlc>(
        `/api/v1/cryptocurrencies/BTC/ohlc?timeframe=1w&start=${DAY0}&limit=1`,
      );

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
      const { body } = await get<Ohlc>(
        `/api/v1/cryptocurrencies/BTC/ohlc?timeframe=1h&${range}&fill=previous`,
      );

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
      const { body } = await get<Ohlc>(
        `/api/v1/cryptocurrencies/BTC/ohlc?timeframe=5m&limit=3&end=${new Date(DAY0 + 3 * HOUR + 29 * MINUTE).toISOString()}`,
      );

      expect(body.ohlc.map((c) => c.timestamp)).toEqual([
        DAY0 + 3 * HOUR + 15 * MINUTE,
        DAY0 + 3 * HOUR + 20 * MINUTE,
        DAY0 + 3 * HOUR + 25 * MINUTE,
      ]);
    });

    it('lists the whole range as a gap for an asset without candles', async () => {
      const { body } = await get<Ohlc>(`/api/v1/cryptocurrencies/DOGE/ohlc?timeframe=1h&${range}`);

      expect(body).toMatchObject({
        source: null,
        ohlc: [],
        gaps: [{ from: DAY0, to: DAY0 + 4 * HOUR }],
      });
    });

    it('keeps re-ingested minutes idempotent (same candles, same answer)', async () => {
      const before = await get<Ohlc>(
        `/api/v1/cryptocurrencies/BTC/ohlc?timeframe=1h&${range}&source=binance`,
      );
      await seed.candles(
        minuteCandles(ids.get('BTC')!, new Date(DAY0), 120, { base: 100, step: 1 }),
      );
      await seed.invalidate(['BTC']);
      const after = await get<Ohlc>(
        `/api/v1/cryptocurrencies/BTC/ohlc?timeframe=1h&${range}&source=binance`,
      );

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
      await expectProblem(`/api/v1/cryptocurrencies/BTC/ohlc?${query}`, 400, field);
    });

    it('answers an unknown symbol with 404', async () => {
      await expectProblem('/api/v1/cryptocurrencies/NOPE/ohlc', 404);
    });
  });

  describe('GET /api/v1/cryptocurrencies/:symbol/price', () => {
    it('serves the latest ingested price with its age', async () => {
      const observed = Date.now() - 1_000;
      await seed.latestPrices([
        { symbol: 'SOL', price: 212.5, timestamp: observed, source: 'binance' },
      ]);

      const { body } = await get<Record<string, unknown>>('/api/v1/cryptocurrencies/sol/price');

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
      const { body } = await get<Record<string, unknown>>('/api/v1/cryptocurrencies/BTC/price');

      // The newest thing PostgreSQL holds for BTC is its last 1-minute candle (03:29 on DAY0).
      expect(body).toMatchObject({ symbol: 'BTC', price: 530, source: 'binance', stale: true });
      expect(body.timestamp).toBe(DAY0 + 3 * HOUR + 30 * MINUTE);
    });

    it('answers 404 for unknown symbols and for assets without any price', async () => {
      await expectProblem('/api/v1/cryptocurrencies/NOPE/price', 404);
      await expectProblem('/api/v1/cryptocurrencies/NOCAP/price', 404);
    });
  });

  describe('GET /api/v1/cryptocurrencies/:symbol/indicators', () => {
    it('computes indicators over the candles and echoes the parameters', async () => {
      const { status, body } = await get<{
        params: Record<string, number>;
        candles: number;
        indicators: Record<
          string,
          { timestamp: number; value?: number; upper?: number; macd?: number }[]
        >;
      }>(
        `/api/v1/cryptocurrencies/BTC/indicators?timeframe=1m&indicators=sma,rsi,bollinger&period=5&limit=3`,
      );

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
      expect(body.indicators.sma.at(-1)).toEqual({
        timestamp: DAY0 + 3 * HOUR + 29 * MINUTE,
        value: 528,
      });
      expect(body.indicators.bollinger.at(-1)!.upper).toBeGreaterThan(528);
    });

    it.each([
      ['indicators=sma,vibes', 'indicators'],
      ['macd_fast=30&macd_slow=26', 'macd_fast'],
      ['period=1', 'period'],
    ])('rejects %s', async (query, field) => {
      await expectProblem(`/api/v1/cryptocurrencies/BTC/indicators?${query}`, 400, field);
    });
  });

  describe('response cache', () => {
    it('misses, then hits, answers 304 to a matching ETag, and is invalidated by ingestion', async () => {
      const path = '/api/v1/cryptocurrencies/DOGE';
      const first = await get<{ current_price: number }>(path);
      const second = await get<{ current_price: number }>(path);
      const etag = second.response.headers.get('etag')!;
      const notModified = await fetch(`${sut.baseUrl}${path}`, {
        headers: { 'If-None-Match': etag },
      });

      expect(first.response.headers.get('x-cache')).toBe('MISS');
      expect(second.response.headers.get('x-cache')).toBe('HIT');
      expect(second.body).toEqual(first.body);
      expect(second.response.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
      expect(second.response.headers.get('x-response-time')).toMatch(/^\d+(\.\d+)?ms$/);
      expect(notModified.status).toBe(304);
      expect(await notModified.text()).toBe('');
      for (const field of ['*', `"stale", ${etag}`, `W/${etag}`]) {
        const response = await fetch(`${sut.baseUrl}${path}`, {
          headers: { 'If-None-Match': field },
        });
        expect({ field, status: response.status }).toEqual({ field, status: 304 });
      }
      const changed = await fetch(`${sut.baseUrl}${path}`, {
        headers: { 'If-None-Match': '"stale"' },
      });
      expect(changed.status).toBe(200);

      await seed.assets([anAsset({ symbol: 'DOGE', name: 'Dogecoin', currentPrice: 0.5 })]);
      const stillCached = await get<{ current_price: number }>(path);
      await seed.invalidate(['DOGE']);
      const fresh = await get<{ current_price: number }>(path);

      expect(stillCached.body.current_price).toBe(0.4);
      expect(fresh.response.headers.get('x-cache')).toBe('MISS');
      expect(fresh.body.current_price).toBe(0.5);
      expect(fresh.response.headers.get('etag')).not.toBe(etag);
    });

    it('keys by normalised query and invalidates listings when any symbol changes', async () => {
      await get('/api/v1/cryptocurrencies?limit=3&order=desc');
      const reordered = await get('/api/v1/cryptocurrencies?order=desc&limit=3');
      await seed.invalidate(['ETH']);
      const afterIngest = await get('/api/v1/cryptocurrencies?limit=3&order=desc');

      expect(reordered.response.headers.get('x-cache')).toBe('HIT');
      expect(afterIngest.response.headers.get('x-cache')).toBe('MISS');
    });

    it('never caches errors', async () => {
      await get('/api/v1/cryptocurrencies/NOTYET');
      await seed.assets([anAsset({ symbol: 'NOTYET' })]);

      expect((await get('/api/v1/cryptocurrencies/NOTYET')).status).toBe(200);
    });
  });

  describe('compatibility routes', () => {
    it('GET /api/market/price', async () => {
      const { body } = await get('/api/market/price?symbol=sol');

      expect(body).toEqual({
        symbol: 'SOL',
        price: 212.5,
        timestamp: expect.any(Number),
        source: 'binance',
      });
    });

    it('GET /api/market/ohlc, with 400 for a bad timeframe and 404 for an unknown symbol', async () => {
      const { body } = await get<{ symbol: string; timeframe: string; ohlc: unknown[] }>(
        '/api/market/ohlc?symbol=BTC&timeframe=1d&limit=2',
      );
      const bad = await expectProblem('/api/market/ohlc?symbol=BTC&timeframe=2h', 400, 'timeframe');

      expect(body).toMatchObject({ symbol: 'BTC', timeframe: '1d' });
      expect(
        body.ohlc.every(
          (c) => Object.keys(c as object).join() === 'timestamp,open,high,low,close,volume',
        ),
      ).toBe(true);
      expect(bad.detail).toContain('1m, 5m, 15m, 30m, 1h, 4h, 1d, 1w');
      await expectProblem('/api/market/ohlc?symbol=NOPE', 404);
      await expectProblem('/api/market/price', 400, 'symbol');
    });

    it('GET /api/v1/latest/:symbol returns the latest 1-minute window', async () => {
      const { body } = await get('/api/v1/latest/BTC');

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
      await expectProblem('/api/v1/latest/ETH', 404);
    });

    it('GET /api/v1/historical/:symbol pages 1-minute windows newest first with count headers', async () => {
      const first = await get<Record<string, number | string>[]>(
        `/api/v1/historical/BTC?start_time=2026-11-20T03:00:00&limit=2`,
      );
      const last = await get<unknown[]>(
        `/api/v1/historical/BTC?start_time=2026-11-20T03:00:00&limit=20&offset=20`,
      );

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
      await expectProblem('/api/v1/historical/BTC?order_by=sideways', 400, 'order_by');
    });

    it('GET /data lists normalised assets as the ETL service did', async () => {
      const { body } = await get<{
        request_id: string;
        api_latency_ms: number;
        count: number;
        data: unknown[];
      }>('/data?limit=2&offset=0');
      const filtered = await get<{ data: unknown[] }>('/data?symbol=sol&source=coinpaprika');

      expect(body.count).toBe(2);
      expect(body.request_id).toMatch(/^[0-9a-f-]{36}$/);
      expect(body.api_latency_ms).toEqual(expect.any(Number));
      expect(body.data[0]).toEqual({
        symbol: 'BTC',
        name: 'Bitcoin',
        price_usd: 97000,
        source: 'coingecko',
      });
      expect(filtered.body.data).toEqual([
        { symbol: 'SOL', name: 'Solana', price_usd: 210, source: 'coinpaprika' },
      ]);
      await expectProblem('/data?limit=5000', 400, 'limit');
    });
  });
});
