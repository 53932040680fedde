import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IngestionService } from '../src/ingestion/ingestion.service';
import { clientsFor } from './support/clients';
import { FakeProviderServer } from './support/fake-provider-server';
import { startTestApp, type TestApp } from './support/test-app';

const fixture = (name: string) =>
  JSON.parse(readFileSync(join(__dirname, 'fixtures', 'providers', name), 'utf8')) as unknown;

describe('CoinPaprika and CoinMarketCap sources (e2e, recorded payloads)', () => {
  const provider = new FakeProviderServer();
  let baseUrl: string;
  let sut: TestApp;

  const { market } = clientsFor(() => sut.baseUrl);
  const detail = async (symbol: string) => (await market.detail(symbol)).body;

  beforeAll(async () => {
    baseUrl = await provider.start();
    sut = await startTestApp({
      env: {
        INGESTION_PROVIDERS: 'coinpaprika,coinmarketcap',
        COINPAPRIKA_BASE_URL: baseUrl,
        COINMARKETCAP_BASE_URL: baseUrl,
        COINMARKETCAP_API_KEY: 'cmc-test-key',
        PROVIDER_TIMEOUT_MS: '500',
      },
    });
  });

  afterAll(async () => {
    await sut.close();
    await provider.stop();
  });

  it('CoinPaprika /v1/tickers: best-ranked first, USD quotes mapped, provider id kept', async () => {
    provider.script({ status: 200, body: fixture('coinpaprika-tickers.json') });

    const run = await sut.app.get(IngestionService).run('coinpaprika', 'manual', 1);

    expect(run).toMatchObject({ status: 'success', createdCount: 1 });
    expect(provider.requests[0].url).toBe('/v1/tickers?quotes=USD');
    expect(await detail('BTC')).toMatchObject({
      current_price: 97190.126784213,
      market_cap_rank: 1,
      price_change_percentage_24h: 1.4,
      ath: 108268.44,
      source: 'coinpaprika',
      provider_ids: { coinpaprika: 'btc-bitcoin' },
    });
  });

  it('CoinMarketCap listings/latest: sends the key header; the preferred source keeps the current values', async () => {
    provider.script({ status: 200, body: fixture('coinmarketcap-listings.json') });

    const run = await sut.app.get(IngestionService).run('coinmarketcap', 'manual', 10);

    expect(run.status).toBe('success');
    expect(provider.requests[0].headers['x-cmc_pro_api_key']).toBe('cmc-test-key');
    expect(new URL(provider.requests[0].url, 'http://x').searchParams.get('limit')).toBe('10');
    // INGESTION_PROVIDERS=coinpaprika,coinmarketcap: CoinPaprika's price stays current,
    // CoinMarketCap fills what CoinPaprika lacks, and both provider ids are kept.
    expect(await detail('BTC')).toMatchObject({
      current_price: 97190.126784213,
      source: 'coinpaprika',
      fully_diluted_valuation: 2041901783359,
      provider_ids: { coinmarketcap: 1, coinpaprika: 'btc-bitcoin' },
    });
  });

  it('lets a lower-priority source take over when the preferred one is over an hour behind', async () => {
    const listing = fixture('coinmarketcap-listings.json') as {
      data: { quote: { USD: { last_updated: string } } }[];
    };
    listing.data[0].quote.USD.last_updated = '2026-11-22T12:30:00.000Z';
    provider.script({ status: 200, body: listing });

    await sut.app.get(IngestionService).run('coinmarketcap', 'manual', 10);

    expect(await detail('BTC')).toMatchObject({
      current_price: 97233.41825519,
      price_change_percentage_30d: 8.93812231,
      source: 'coinmarketcap',
      last_updated: '2026-11-22T12:30:00.000Z',
    });
  });

  it('records drift when a documented field is retyped', async () => {
    const body = fixture('coinpaprika-tickers.json') as { quotes: { USD: { price: unknown } } }[];
    body[1].quotes.USD.price = '97190.12';
    provider.script({ status: 200, body });

    const run = await sut.app.get(IngestionService).run('coinpaprika', 'manual', 2);

    expect(run).toMatchObject({ status: 'partial', skippedCount: 1, driftCount: 1 });
    expect(run.details.drift).toEqual([
      'field quotes.USD.price is string, expected number (1 records)',
    ]);
  });
});

describe('CoinMarketCap without an API key (e2e)', () => {
  it('reports "not configured" and skips its runs instead of failing them', async () => {
    const sut = await startTestApp({ env: { INGESTION_PROVIDERS: 'coinmarketcap' } });
    try {
      const run = await sut.app.get(IngestionService).run('coinmarketcap', 'manual');

      expect(run).toMatchObject({
        status: 'skipped',
        error: 'not configured: set COINMARKETCAP_API_KEY',
      });
    } finally {
      await sut.close();
    }
  });
});
