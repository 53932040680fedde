import { anAsset, type MarketSeeder } from './support/market-fixtures';
import { type Page, marketApiClient, startMarketApi } from './support/market-api';
import type { TestApp } from './support/test-app';

describe('Assets API (e2e)', () => {
  let sut: TestApp;
  let seed: MarketSeeder;
  const { get, expectProblem } = marketApiClient(() => sut.baseUrl);

  beforeAll(async () => {
    ({ sut, seed } = await startMarketApi());
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

  describe('compatibility route of the replaced ETL service', () => {
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
