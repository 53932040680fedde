// CoinGecko daily market charts (GET /coins/{id}/market_chart, the documented
// {prices, market_caps, total_volumes} of [ms, value] pairs) for listed coins Binance does not
// track, against a local stand-in: snapshots and daily candles, a checkpoint per coin, bad
// points rejected alone, a failed call leaving the checkpoint where it was.
import { CoinGeckoHistoryService } from '../src/ingestion/history/coingecko-history.service';
import { clientsFor } from './support/clients';
import { FakeProviderServer } from './support/fake-provider-server';
import { MarketSeeder, anAsset } from './support/market-fixtures';
import { startTestApp, type TestApp } from './support/test-app';

const DAY = 86_400_000;
const TODAY = Math.floor(Date.now() / DAY) * DAY;

/** A chart of `days` whole days ending `endDaysAgo` days ago, plus CoinGecko's point of "now". */
function chart(days: number, base: number, endDaysAgo = 1) {
  const times = [
    ...Array.from({ length: days }, (_, i) => TODAY - (days - i + endDaysAgo - 1) * DAY),
    Date.now() - 60_000,
  ];
  return {
    prices: times.map((t, i) => [t, base + i]),
    market_caps: times.map((t, i) => [t, (base + i) * 1e9]),
    total_volumes: times.map((t, i) => [t, (base + i) * 1e7]),
  };
}

interface Run {
  status: string;
  createdCount: number;
  skippedCount: number;
  error: string | null;
  details: { rejected: { at: string; reason: string }[] };
}

describe('CoinGecko daily history (e2e, local stand-in)', () => {
  const provider = new FakeProviderServer();
  let sut: TestApp;
  const slice = async () =>
    (await sut.app.get(CoinGeckoHistoryService).runSlice('manual')) as unknown as Run | null;
  const { market } = clientsFor(() => sut.baseUrl);

  beforeAll(async () => {
    const url = await provider.start();
    sut = await startTestApp({
      env: {
        INGESTION_PROVIDERS: 'coingecko,binance',
        COINGECKO_BASE_URL: `${url}/api/v3`,
        BINANCE_SYMBOLS: 'BTC',
        COINGECKO_HISTORY_CALLS_PER_MINUTE: '1',
        PROVIDER_TIMEOUT_MS: '1000',
      },
    });
    await new MarketSeeder(sut.app).assets([
      anAsset({ symbol: 'BTC', name: 'Bitcoin', coingeckoId: 'bitcoin', marketCapRank: 1 }),
      anAsset({ symbol: 'SUI', name: 'Sui', coingeckoId: 'sui', marketCapRank: 2 }),
      anAsset({
        symbol: 'TON',
        name: 'Toncoin',
        coingeckoId: 'the-open-network',
        marketCapRank: 3,
      }),
      anAsset({ symbol: 'KAS', name: 'Kaspa', coingeckoId: 'kaspa', marketCapRank: 4 }),
    ]);
  });

  afterAll(async () => {
    await sut.close();
    await provider.stop();
  });

  it('stores a coin’s daily chart as snapshots and daily candles, best-ranked first, skipping coins Binance tracks', async () => {
    provider.script({ status: 200, body: chart(5, 4) });

    const run = await slice();

    expect(provider.requests.map((r) => r.url)).toEqual([
      '/api/v3/coins/sui/market_chart?vs_currency=usd&days=365&interval=daily',
    ]);
    expect(run).toMatchObject({ status: 'success', createdCount: 10, skippedCount: 0 });
    const { body: history } = await market.history('SUI', { order: 'asc', limit: 10 });
    expect(history.items.map((i) => [i.price, i.market_cap, i.source])).toEqual([
      [4, 4e9, 'coingecko'],
      [5, 5e9, 'coingecko'],
      [6, 6e9, 'coingecko'],
      [7, 7e9, 'coingecko'],
      [8, 8e9, 'coingecko'],
    ]);
    const { body: ohlc } = await market.ohlc('SUI', {
      timeframe: '1d',
      start: TODAY - 5 * DAY,
      limit: 5,
    });
    expect(ohlc.ohlc[4]).toMatchObject({
      timestamp: TODAY - DAY,
      open: 8,
      high: 8,
      low: 8,
      close: 8,
      volume: 1e7,
      source: 'coingecko',
    });
  });

  it('rejects bad points alone and keeps the rest of the chart', async () => {
    const body = chart(3, 2);
    body.prices[0] = ['yesterday', 2] as unknown as number[];
    body.prices[1] = [body.prices[1][0], -3];
    provider.script({ status: 200, body });

    const run = await slice();

    expect(provider.requests[0].url).toContain('/coins/the-open-network/market_chart');
    expect(run).toMatchObject({ status: 'partial', createdCount: 2, skippedCount: 2 });
    expect(run!.details.rejected).toEqual([
      { at: 'the-open-network price 0', reason: 'schema drift: expected [ms, number]' },
      { at: 'the-open-network price 1', reason: 'open -3 is not positive' },
    ]);
  });

  it('keeps the checkpoint when a call fails, then asks only for the days since it', async () => {
    provider.script({ status: 500, body: { error: 'boom' } });
    expect(await slice()).toMatchObject({ status: 'failed' });
    expect(provider.requests.at(-1)!.url).toBe(
      '/api/v3/coins/kaspa/market_chart?vs_currency=usd&days=365&interval=daily',
    );

    // A chart whose newest day is three days ago …
    provider.script({ status: 200, body: chart(3, 1, 3) });
    expect(await slice()).toMatchObject({ status: 'success', createdCount: 6 });
    expect(provider.requests.map((r) => r.url)).toEqual([
      '/api/v3/coins/kaspa/market_chart?vs_currency=usd&days=365&interval=daily',
    ]);

    // … makes the next call ask for the four days since, of which two are new.
    provider.script({ status: 200, body: chart(3, 2) });
    expect(await slice()).toMatchObject({ status: 'success', createdCount: 4 });
    expect(provider.requests.map((r) => r.url)).toEqual([
      '/api/v3/coins/kaspa/market_chart?vs_currency=usd&days=4&interval=daily',
    ]);
    expect(await slice()).toBeNull();
  });
});
