import { clientsFor, expectProblem, parseQuery } from './support/clients';
import { anAsset, type MarketSeeder } from './support/market-fixtures';
import { startMarketApi } from './support/market-api';
import type { TestApp } from './support/test-app';

describe('Assets API (e2e)', () => {
  let sut: TestApp;
  let seed: MarketSeeder;
  const { api, market, compat } = clientsFor(() => sut.baseUrl);

  beforeAll(async () => {
    ({ sut, seed } = await startMarketApi());
  });

  afterAll(async () => {
    await sut.close();
  });

  describe('GET /api/v1/cryptocurrencies', () => {
    it('lists by market cap, largest first, with numbers as numbers and a real total', async () => {
      const { status, body } = await market.list();

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
      const first = await market.list({ limit: 2 });
      const second = await market.list({ page: 2, per_page: 2 });
      const beyond = await market.list({ skip: 10, limit: 5 });

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
      const { body } = await market.list(parseQuery(query));

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
      const { body } = await market.list(parseQuery(query));

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
      expectProblem(await market.list(parseQuery(query)), 400, field);
    });

    it('is also served with a trailing slash (old clients)', async () => {
      expect((await api.get('/api/v1/cryptocurrencies/', { query: { limit: 1 } })).status).toBe(
        200,
      );
    });
  });

  describe('GET /api/v1/cryptocurrencies/:symbol', () => {
    it('returns the full record, case-insensitively', async () => {
      const { status, body } = await market.detail('btc');

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
      const body = expectProblem(await market.detail('NOPE'), 404);

      expect(body.detail).toBe("Cryptocurrency with symbol 'NOPE' not found");
    });

    it.each(['B-TC', 'A'.repeat(21), "';--"])('rejects the malformed symbol %s', async (symbol) => {
      expectProblem(await market.detail(symbol), 400, 'symbol');
    });
  });

  describe('GET /api/v1/cryptocurrencies/top/:category', () => {
    it.each([
      ['market_cap', '', ['BTC', 'ETH', 'SOL']],
      ['volume', '', ['BTC', 'ETH', 'SOL']],
      ['gainers', '', ['TINY', 'SOL', 'BTC']],
      ['gainers', 'min_volume=1000000', ['SOL', 'BTC', 'ETH']],
      ['losers', '', ['DOGE', 'ETH', 'BTC']],
    ])('%s %s', async (category, extra, expected) => {
      const { body } = await market.top(category, { limit: 3, ...parseQuery(extra) });

      expect(body.category).toBe(category);
      expect(body.items.map((i) => i.symbol)).toEqual(expected);
    });

    it('names the allowed categories for a bad one', async () => {
      const body = expectProblem(await market.top('hype'), 400, 'category');

      expect(body.detail).toContain('market_cap, volume, gainers, losers');
    });

    it('caps the limit at 100', async () => {
      expectProblem(await market.top('volume', { limit: 101 }), 400, 'limit');
    });
  });

  describe('response cache', () => {
    it('misses, then hits, answers 304 to a matching ETag, and is invalidated by ingestion', async () => {
      const doge = (ifNoneMatch?: string) =>
        market.detail('DOGE', ifNoneMatch ? { headers: { 'If-None-Match': ifNoneMatch } } : {});
      const first = await doge();
      const second = await doge();
      const etag = second.headers.get('etag')!;
      const notModified = await doge(etag);

      expect(first.headers.get('x-cache')).toBe('MISS');
      expect(second.headers.get('x-cache')).toBe('HIT');
      expect(second.body).toEqual(first.body);
      expect(second.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
      expect(second.headers.get('x-response-time')).toMatch(/^\d+(\.\d+)?ms$/);
      expect(notModified.status).toBe(304);
      expect(notModified.text).toBe('');
      for (const field of ['*', `"stale", ${etag}`, `W/${etag}`]) {
        const response = await doge(field);
        expect({ field, status: response.status }).toEqual({ field, status: 304 });
      }
      const changed = await doge('"stale"');
      expect(changed.status).toBe(200);

      await seed.assets([anAsset({ symbol: 'DOGE', name: 'Dogecoin', currentPrice: 0.5 })]);
      const stillCached = await doge();
      await seed.invalidate(['DOGE']);
      const fresh = await doge();

      expect(stillCached.body.current_price).toBe(0.4);
      expect(fresh.headers.get('x-cache')).toBe('MISS');
      expect(fresh.body.current_price).toBe(0.5);
      expect(fresh.headers.get('etag')).not.toBe(etag);
    });

    it('keys by normalised query and invalidates listings when any symbol changes', async () => {
      await market.list({ limit: 3, order: 'desc' });
      const reordered = await market.list({ order: 'desc', limit: 3 });
      await seed.invalidate(['ETH']);
      const afterIngest = await market.list({ limit: 3, order: 'desc' });

      expect(reordered.headers.get('x-cache')).toBe('HIT');
      expect(afterIngest.headers.get('x-cache')).toBe('MISS');
    });

    it('never caches errors', async () => {
      await market.detail('NOTYET');
      await seed.assets([anAsset({ symbol: 'NOTYET' })]);

      expect((await market.detail('NOTYET')).status).toBe(200);
    });
  });

  describe('compatibility route of the replaced ETL service', () => {
    it('GET /data lists normalised assets as the ETL service did', async () => {
      const { body } = await compat.data({ limit: 2, offset: 0 });
      const filtered = await compat.data({ symbol: 'sol', source: 'coinpaprika' });

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
      expectProblem(await compat.data({ limit: 5000 }), 400, 'limit');
    });
  });
});
