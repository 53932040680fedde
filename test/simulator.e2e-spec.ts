import { DataSource } from 'typeorm';
import { PriceBus, type PriceUpdated } from '../src/price-history/price-bus';
import { MarketSimulatorService } from '../src/ingestion/live/market-simulator.service';
import { clientsFor } from './support/clients';
import { startTestApp, type TestApp } from './support/test-app';
import { serverDatabaseUrl } from './support/test-database';
import { waitFor } from './support/wait-for';

const simulatorEnv = {
  INGESTION_PROVIDERS: 'csv',
  MARKET_SIMULATOR: 'true',
  SIMULATOR_SYMBOLS: 'BTC,DEMO1',
  SIMULATOR_TRADES_PER_SECOND: '50',
  LIVE_FLUSH_MS: '100',
};

describe('Market simulator (e2e)', () => {
  let sut: TestApp;
  const events: PriceUpdated[] = [];

  const { market } = clientsFor(() => sut.baseUrl);

  beforeAll(async () => {
    sut = await startTestApp({ env: simulatorEnv });
    sut.app.get(PriceBus).prices$.subscribe((e) => events.push(e));
  });

  afterAll(async () => {
    await sut.close();
  });

  it('streams moving prices for its symbols, tagged "simulator", after they are stored', async () => {
    const btc = () => events.filter((e) => e.symbol === 'BTC');
    await waitFor(() => new Set(btc().map((e) => e.price)).size >= 3, 'three BTC price updates');

    const served = (await market.price('BTC')).body;

    expect(btc().every((e) => e.source === 'simulator' && e.price > 0)).toBe(true);
    expect(served.source).toBe('simulator');
    expect(btc().map((e) => e.price)).toContain(served.price);
    expect(events.some((e) => e.symbol === 'DEMO1')).toBe(true);
  });

  it('goes through the same aggregation path: 1-minute candles in the database and the OHLC route', async () => {
    const rows = await waitFor(async () => {
      const found = await sut.app.get(DataSource).query<{ symbol: string; trade_count: number }[]>(
        `SELECT a.symbol, c.trade_count FROM candles c JOIN assets a ON a.id = c.asset_id
         WHERE c.source = 'simulator' ORDER BY a.symbol`,
      );
      return found.length >= 2 ? found : null;
    }, 'simulated candles');
    expect(rows.map((r) => r.symbol)).toEqual(expect.arrayContaining(['BTC', 'DEMO1']));

    const ohlc = (await market.ohlc('DEMO1', { timeframe: '1m', limit: 5 })).body;
    expect(ohlc.ohlc.at(-1)!.trade_count).toBeGreaterThan(0);
  });

  it('creates assets it did not know, named after the symbol', async () => {
    const asset = (await market.detail('DEMO1')).body;

    expect(asset).toMatchObject({ name: 'DEMO1', source: 'simulator' });
  });

  it("keeps the asset's current values live: the detail shows a published price and its 24 h change", async () => {
    const detail = await waitFor(async () => {
      const asset = (await market.detail('BTC')).body;
      const published = events.find(
        (e) => e.symbol === 'BTC' && e.timestamp === Date.parse(asset.last_updated!),
      );
      return published && { asset, published };
    }, 'the BTC row at a published price');

    expect(detail.asset).toMatchObject({
      source: 'simulator',
      current_price: detail.published.price,
      price_change_percentage_24h: detail.published.change24h,
    });
    expect(Date.now() - Date.parse(detail.asset.last_updated!)).toBeLessThan(10_000);
  });

  (serverDatabaseUrl ? it : it.skip)(
    'runs on one instance when several share a database (server mode)',
    async () => {
      const second = await startTestApp({ env: simulatorEnv, database: sut.database });
      try {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        const running = [sut, second].map((app) => app.app.get(MarketSimulatorService).running);

        expect(running).toEqual([true, false]);
      } finally {
        await second.close();
      }
    },
  );
});
