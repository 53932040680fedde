// Issue 17, "One current state": after a live flush every surface tells the same price —
// /price, the detail, the listing, the last /history point, the last 1-minute candle and the
// next price_update — and the 24 h change moves with it, on every instance.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IngestionService } from '../src/ingestion/ingestion.service';
import { LiveFeedFactory } from '../src/ingestion/live/live-feed';
import { clientsFor, type Answer } from './support/clients';
import { connectSocket, type RecordingSocket } from './support/realtime-clients';
import { serverRedisUrl, startTestApp, type TestApp } from './support/test-app';
import { serverDatabaseUrl } from './support/test-database';

/** The bundled CSV's stale BTC row of the issue: 97,215.42, +1.25 %, 2026-11-20. */
const STALE_CSV = [
  'symbol,name,price_usd,change_24h,volume_24h,circulating_supply,last_updated',
  'BTC,Bitcoin,97215.42,1.25,30000000000,19800000,2026-11-20T12:00:00Z',
].join('\n');
const FIRST = 98_000;
/** Two per cent above FIRST. */
const SECOND = 99_960;

/** The body of an answer that must be a 200. */
async function ok<T>(answer: Promise<Answer<T>>): Promise<T> {
  const { status, body } = await answer;
  expect(status).toBe(200);
  return body;
}

/** Everything a dashboard would show of BTC, read from one instance. */
async function surfaces(app: TestApp) {
  const { market } = clientsFor(app.baseUrl);
  const [price, detail, listing, history, ohlc] = await Promise.all([
    ok(market.price('BTC')),
    ok(market.detail('BTC')),
    ok(market.list({ symbols: 'BTC' })),
    ok(market.history('BTC', { limit: 1 })),
    ok(market.ohlc('BTC', { timeframe: '1m' })),
  ]);
  return {
    price,
    detail,
    listing: listing.items.find((a) => a.symbol === 'BTC')!,
    lastHistory: history.items[0],
    lastCandle: ohlc.ohlc.at(-1)!,
  };
}

describe('One current state after a live flush (e2e)', () => {
  const csvDir = mkdtempSync(join(tmpdir(), 'cma-current-state-'));
  const env = {
    INGESTION_PROVIDERS: 'csv',
    CSV_IMPORT_PATH: join(csvDir, 'prices.csv'),
    // Instances of one deployment share the prefix (cache generations, latest prices).
    REDIS_KEY_PREFIX: `test-current-${randomBytes(4).toString('hex')}`,
  };
  // Trade times a snapshot interval (60 s) apart, so each flush writes a /history point.
  const firstAt = Date.now() - 150_000;
  const secondAt = Date.now() - 30_000;
  let sut: TestApp;
  let client: RecordingSocket;

  beforeAll(async () => {
    writeFileSync(env.CSV_IMPORT_PATH, `${STALE_CSV}\n`);
    sut = await startTestApp({ env });
    const run = await sut.app.get(IngestionService).run('csv', 'manual');
    expect(run.status).toBe('success');
    client = await connectSocket(sut.baseUrl);
    await client.emitWithAck('subscribe', { symbol: 'BTC' });
  });

  afterAll(async () => {
    client?.close();
    await sut?.close();
    rmSync(csvDir, { recursive: true, force: true });
  });

  it('moves /price, detail, listing, /history, OHLC and price_update together, change_24h included', async () => {
    const before = await surfaces(sut); // the stale CSV state, now cached
    expect(before.detail).toMatchObject({
      current_price: 97215.42,
      price_change_percentage_24h: 1.25,
    });

    // The Binance stream's path: trades into the candle aggregator, flushed.
    const feed = sut.app.get(LiveFeedFactory).create('binance');
    feed.addTrade({ symbol: 'BTC', price: FIRST, quantity: 0.5, time: firstAt });
    await feed.flush();
    const from = client.received.length;
    feed.addTrade({ symbol: 'BTC', price: SECOND, quantity: 0.25, time: secondAt });
    await feed.flush();

    const update = await client.next('price_update', (d) => d.price === SECOND, from);
    const after = await surfaces(sut);

    expect(after.price).toMatchObject({ price: SECOND, source: 'binance', timestamp: secondAt });
    expect(after.detail).toMatchObject({
      current_price: SECOND,
      source: 'binance',
      last_updated: new Date(secondAt).toISOString(),
      high_24h: SECOND,
      low_24h: FIRST,
      // The circulating supply the listing reported, at the live price.
      market_cap: 19_800_000 * SECOND,
    });
    expect(after.detail.price_change_percentage_24h).toBeCloseTo(2, 6);
    expect(after.listing).toMatchObject({
      current_price: SECOND,
      price_change_percentage_24h: after.detail.price_change_percentage_24h,
      last_updated: after.detail.last_updated,
    });
    expect(after.lastHistory).toEqual({
      price: SECOND,
      market_cap: 19_800_000 * SECOND,
      total_volume: FIRST * 0.5 + SECOND * 0.25,
      timestamp: new Date(secondAt).toISOString(),
      source: 'binance',
      is_anomaly: false,
    });
    expect(after.lastCandle.close).toBe(SECOND);
    expect(update).toMatchObject({
      price: SECOND,
      change_24h: after.detail.price_change_percentage_24h,
      volume_24h: FIRST * 0.5 + SECOND * 0.25,
      source: 'binance',
    });
  });

  it('does not let an older live price overwrite a newer one', async () => {
    const feed = sut.app.get(LiveFeedFactory).create('binance');
    // A minute before the first trade's: no stored candle of this source is replaced.
    feed.addTrade({ symbol: 'BTC', price: 50_000, quantity: 1, time: firstAt - 60_000 });
    await feed.flush();

    const now = await surfaces(sut);

    expect([now.price.price, now.detail.current_price, now.listing.current_price]).toEqual([
      SECOND,
      SECOND,
      SECOND,
    ]);
    expect(now.lastHistory.price).toBe(SECOND);
  });

  (serverDatabaseUrl && serverRedisUrl ? it : it.skip)(
    'answers the same on a second instance sharing the database and Redis (server mode)',
    async () => {
      const second = await startTestApp({ env, database: sut.database });
      const remote = await connectSocket(second.baseUrl);
      try {
        await remote.emitWithAck('subscribe', { symbol: 'BTC' });
        const from = remote.received.length;
        const third = 100_500;
        const feed = sut.app.get(LiveFeedFactory).create('binance');
        feed.addTrade({ symbol: 'BTC', price: third, quantity: 0.1, time: Date.now() - 1_000 });
        await feed.flush();

        const update = await remote.next('price_update', (d) => d.price === third, from);
        const [here, there] = await Promise.all([surfaces(sut), surfaces(second)]);

        // Read a few milliseconds apart: the price's age differs, nothing else.
        const { age_ms: ageHere, ...priceHere } = here.price;
        const { age_ms: ageThere, ...priceThere } = there.price;
        expect(Math.abs(ageThere - ageHere)).toBeLessThan(5_000);
        expect({ ...there, price: priceThere }).toEqual({ ...here, price: priceHere });
        expect([there.price.price, there.detail.current_price, there.lastCandle.close]).toEqual([
          third,
          third,
          third,
        ]);
        expect(update.change_24h).toBe(there.detail.price_change_percentage_24h);
        expect(there.detail.price_change_percentage_24h).not.toBeCloseTo(2, 3);
      } finally {
        remote.close();
        await second.close();
      }
    },
  );
});
