import { randomBytes } from 'node:crypto';
import { CurrenciesService } from '../src/currencies/currencies.service';
import { FxRatesRepository } from '../src/currencies/fx-rates.repository';
import { clientsFor } from './support/clients';
import { anAsset, MarketSeeder } from './support/market-fixtures';
import {
  connectSocket,
  connectWebSocket,
  ingestTrades,
  type RecordingSocket,
  type RecordingWebSocket,
} from './support/realtime-clients';
import { serverRedisUrl, startTestApp, type TestApp } from './support/test-app';
import { serverDatabaseUrl } from './support/test-database';
import { waitFor } from './support/wait-for';

const DAY = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** A dollar in euros, today and yesterday (the 24 h change is restated against yesterday's). */
const EUR_TODAY = 0.9;
const EUR_YESTERDAY = 0.8;

const isPrice = (symbol: string, price?: number) => (data: Record<string, unknown>) =>
  data.symbol === symbol &&
  (price === undefined || Math.abs(Number(data.price) - price) < 1e-9 * price);
const isCandle = (symbol: string, close?: number) => (data: Record<string, unknown>) =>
  data.symbol === symbol &&
  data.timeframe === '1m' &&
  (close === undefined || Math.abs(Number(data.close) - close) < 1e-9 * close);

async function seedEuro(app: TestApp['app']): Promise<void> {
  const repository = app.get(FxRatesRepository);
  await repository.upsertCurrencies([
    { code: 'eur', name: 'Euro', kind: 'fiat', source: 'coingecko' },
  ]);
  await repository.upsertRates([
    { currency: 'eur', day: isoDay(Date.now()), rate: String(EUR_TODAY), source: 'coingecko' },
    {
      currency: 'eur',
      day: isoDay(Date.now() - DAY),
      rate: String(EUR_YESTERDAY),
      source: 'coingecko',
    },
  ]);
  await app.get(CurrenciesService).ratesChanged();
}

describe('Real-time prices in any quote currency (e2e)', () => {
  let sut: TestApp;
  const open: { close(): void }[] = [];
  const track = <T extends { close(): void }>(client: T): T => {
    open.push(client);
    return client;
  };
  const socket = async (app = sut): Promise<RecordingSocket> =>
    track(await connectSocket(app.baseUrl));
  const webSocket = async (app = sut): Promise<RecordingWebSocket> =>
    track(await connectWebSocket(`${app.baseUrl.replace(/^http/, 'ws')}/ws`));
  const { market } = clientsFor(() => sut.baseUrl);

  beforeAll(async () => {
    sut = await startTestApp({ env: { INGESTION_PROVIDERS: 'csv', WS_MIN_INTERVAL_MS: '10' } });
    await new MarketSeeder(sut.app).assets(
      ['BTC', 'ETH', 'SOL', 'ADA', 'DOT'].map((symbol) =>
        anAsset({ symbol, currentPrice: symbol === 'BTC' ? 50_000 : 10 }),
      ),
    );
    await new MarketSeeder(sut.app).latestPrices([
      { symbol: 'BTC', price: 50_000, timestamp: Date.now(), source: 'binance' },
      {
        symbol: 'ETH',
        price: 2_000,
        timestamp: Date.now(),
        source: 'binance',
        change24h: 10,
        volume24h: 1e9,
      },
      { symbol: 'SOL', price: 100, timestamp: Date.now(), source: 'binance' },
      { symbol: 'ADA', price: 0.5, timestamp: Date.now(), source: 'binance' },
      { symbol: 'DOT', price: 10, timestamp: Date.now(), source: 'binance' },
    ]);
    await seedEuro(sut.app);
  });

  afterEach(() => {
    for (const client of open.splice(0)) client.close();
  });

  afterAll(async () => {
    await sut.close();
  });

  describe('Socket.IO', () => {
    it('sends a EUR subscriber converted prices and candles, naming the currency, and USD ones unchanged', async () => {
      const euro = await socket();
      const dollar = await socket();

      const ack = await euro.emitWithAck('subscribe', { symbol: 'ETH', vs_currency: 'EUR' });
      await dollar.emitWithAck('subscribe', { symbol: 'ETH' });

      expect(ack).toEqual({
        success: true,
        symbols: ['ETH'],
        subscriptions: ['ETH'],
        vs_currency: 'eur',
      });
      const snapshot = await euro.next('price_update', isPrice('ETH'));
      const rest = await market.price('ETH', { query: { vs_currency: 'eur' } });
      expect(rest.body.price).toBeCloseTo(1_800, 8);
      expect(snapshot).toMatchObject({ price: rest.body.price, vs_currency: 'eur' });
      expect(snapshot.volume_24h).toBeCloseTo(9e8, 0);
      // +10 % in USD while a dollar went from 0.8 to 0.9 euros: 1.1 × 0.9 / 0.8 − 1.
      expect(snapshot.change_24h).toBeCloseTo(23.75, 8);
      const usdSnapshot = await dollar.next('price_update', isPrice('ETH'));
      expect(usdSnapshot).toMatchObject({ price: 2_000, change_24h: 10, volume_24h: 1e9 });
      expect(usdSnapshot).not.toHaveProperty('vs_currency');

      await ingestTrades(sut.app, [{ symbol: 'ETH', price: 2_100 }]);

      const live = await euro.next('price_update', isPrice('ETH', 1_890));
      const usdLive = await dollar.next('price_update', isPrice('ETH', 2_100));
      expect(live).toMatchObject({ vs_currency: 'eur', seq: usdLive.seq, source: 'test' });
      expect(usdLive).not.toHaveProperty('vs_currency');
      const candle = await euro.next('candle_update', isCandle('ETH', 1_890));
      expect(candle).toMatchObject({ vs_currency: 'eur', is_closed: false });
      const usdCandle = await dollar.next('candle_update', isCandle('ETH', 2_100));
      expect(usdCandle).not.toHaveProperty('vs_currency');
      expect(candle.volume).toBe(usdCandle.volume);
      // Each client gets its own currency only.
      expect(euro.of('price_update').filter(isPrice('ETH', 2_100))).toEqual([]);
      expect(dollar.of('price_update').filter(isPrice('ETH', 1_890))).toEqual([]);
    });

    it('quotes in a crypto currency from our own prices (btc)', async () => {
      const client = await socket();

      const ack = await client.emitWithAck('subscribe', { symbol: 'SOL', vs_currency: 'btc' });

      expect(ack).toMatchObject({ success: true, vs_currency: 'btc' });
      const snapshot = await client.next('price_update', isPrice('SOL'));
      const rest = await market.price('SOL', { query: { vs_currency: 'btc' } });
      expect(rest.body.price).toBeCloseTo(100 / 50_000, 12);
      expect(snapshot).toMatchObject({ vs_currency: 'btc' });
      expect(snapshot.price).toBeCloseTo(rest.body.price!, 12);
    });

    it('refuses an unsupported currency naming the supported ones, and subscribes nothing', async () => {
      const client = await socket();

      const ack = await client.emitWithAck('subscribe', { symbol: 'ADA', vs_currency: 'xyz' });
      const malformed = await client.emitWithAck('subscribe', { symbol: 'ADA', vs_currency: 'e1' });

      expect(ack).toMatchObject({ success: false, code: 'validation_failed' });
      expect(ack.error).toMatch(/vs_currency must be one of: .*\beur\b.*\busd\b/);
      expect(malformed).toMatchObject({ success: false, code: 'validation_failed' });
      expect(await client.next('error')).toMatchObject({ code: 'validation_failed' });
      expect(await client.emitWithAck('get_subscriptions')).toEqual({ subscriptions: [] });
    });

    it('switches a subscribed symbol to another currency on a new subscribe', async () => {
      const client = await socket();
      await client.emitWithAck('subscribe', { symbol: 'ADA', vs_currency: 'eur' });
      await client.next('price_update', isPrice('ADA', 0.45));

      const ack = await client.emitWithAck('subscribe', { symbol: 'ADA' });
      const usd = await client.next('price_update', isPrice('ADA', 0.5));
      const from = client.received.length;
      await ingestTrades(sut.app, [{ symbol: 'ADA', price: 0.6 }]);

      expect(ack).toEqual({ success: true, symbols: [], subscriptions: ['ADA'] });
      expect(usd).not.toHaveProperty('vs_currency');
      await client.next('price_update', isPrice('ADA', 0.6), from);
      await client.next('candle_update', isCandle('ADA', 0.6), from);
      const after = client.received.slice(from).map((r) => r.data);
      expect(after.filter((data) => data.vs_currency !== undefined)).toEqual([]);
    });

    it('keeps a recovered EUR subscription in EUR (missed updates are replayed in USD only)', async () => {
      const client = await socket();
      await client.emitWithAck('subscribe', { symbol: 'BTC', vs_currency: 'eur' });
      await client.next('price_update', isPrice('BTC', 45_000));

      const disconnected = new Promise((resolve) => client.socket.once('disconnect', resolve));
      client.socket.io.engine.close(); // the transport drops; the client reconnects by itself
      await disconnected;
      await waitFor(() => client.socket.connected, 'the reconnection');
      const from = client.received.length;
      await ingestTrades(sut.app, [{ symbol: 'BTC', price: 51_000 }]);

      expect(client.socket.recovered).toBe(true);
      expect(await client.next('price_update', isPrice('BTC', 45_900), from)).toMatchObject({
        vs_currency: 'eur',
      });
      expect(await client.emitWithAck('get_subscriptions')).toEqual({ subscriptions: ['BTC'] });
      expect(client.of('price_update').filter(isPrice('BTC', 51_000))).toEqual([]);
    });
  });

  describe('plain WebSocket /ws', () => {
    it('speaks the same option: converted snapshot, prices and candles for EUR, USD unchanged', async () => {
      const euro = await webSocket();
      const dollar = await webSocket();

      euro.send({ type: 'subscribe', symbol: 'DOT', vs_currency: 'eur' });
      dollar.send({ type: 'subscribe', symbol: 'DOT' });

      expect(await euro.next('subscribed')).toMatchObject({
        symbols: ['DOT'],
        vs_currency: 'eur',
        message: 'Subscribed to DOT updates',
      });
      expect(await dollar.next('subscribed')).not.toHaveProperty('vs_currency');
      const snapshot = await euro.next('price_update', isPrice('DOT'));
      expect(snapshot).toMatchObject({ price: 9, vs_currency: 'eur' });
      expect(typeof snapshot.timestamp).toBe('number');

      await ingestTrades(sut.app, [{ symbol: 'DOT', price: 12 }]);

      const live = await euro.next('price_update', isPrice('DOT', 10.8));
      expect(live).toMatchObject({ vs_currency: 'eur', source: 'test' });
      await euro.next('candle_update', isCandle('DOT', 10.8));
      const usd = await dollar.next('price_update', isPrice('DOT', 12));
      expect(usd).not.toHaveProperty('vs_currency');
      expect(euro.of('price_update').filter(isPrice('DOT', 12))).toEqual([]);
    });

    it('refuses an unsupported currency with the error message shape, keeping the connection', async () => {
      const client = await webSocket();

      client.send({ type: 'subscribe', symbol: 'DOT', vs_currency: 'xyz' });
      const error = await client.next('error');
      client.send({ type: 'get_subscriptions' });

      expect(error).toMatchObject({ type: 'error', code: 'validation_failed' });
      expect(error.error).toMatch(/vs_currency must be one of: .*\beur\b/);
      expect(await client.next('subscriptions')).toMatchObject({ subscriptions: [] });
    });
  });

  describe('/ws/prices/{symbol}', () => {
    it('streams one symbol in ?vs_currency=, and refuses an unsupported one with a policy close', async () => {
      const wsUrl = sut.baseUrl.replace(/^http/, 'ws');
      const stream = track(await connectWebSocket(`${wsUrl}/ws/prices/sol?vs_currency=eur`));
      const refused = track(await connectWebSocket(`${wsUrl}/ws/prices/SOL?vs_currency=xyz`));
      const closed = new Promise<number>((resolve) => refused.ws.once('close', resolve));

      expect(await stream.next('connection')).toMatchObject({ symbol: 'SOL', vs_currency: 'eur' });
      const snapshot = await stream.next('price_update', isPrice('SOL'));
      expect(snapshot).toMatchObject({ vs_currency: 'eur' });
      const rest = await market.price('SOL', { query: { vs_currency: 'eur' } });
      expect(snapshot.price).toBeCloseTo(rest.body.price!, 8);
      expect(await refused.next('error')).toMatchObject({ code: 'validation_failed' });
      expect(await closed).toBe(1008);
    });
  });

  (serverDatabaseUrl && serverRedisUrl ? describe : describe.skip)(
    'two instances on one Redis (server mode)',
    () => {
      let instanceA: TestApp;
      let instanceB: TestApp;

      beforeAll(async () => {
        const env = {
          INGESTION_PROVIDERS: 'csv',
          WS_MIN_INTERVAL_MS: '10',
          REDIS_KEY_PREFIX: `test-rtfx-${randomBytes(4).toString('hex')}`,
        };
        instanceA = await startTestApp({ env });
        instanceB = await startTestApp({ env, database: instanceA.database });
        await new MarketSeeder(instanceA.app).assets([anAsset({ symbol: 'AVAX' })]);
        await seedEuro(instanceA.app);
      });

      afterAll(async () => {
        await instanceB?.close();
        await instanceA?.close();
      });

      it('converts on instance A a price ingested on instance B, for Socket.IO and /ws subscribers', async () => {
        const client = await socket(instanceA);
        const bridged = await webSocket(instanceA);
        const dollar = await socket(instanceA);
        await client.emitWithAck('subscribe', { symbol: 'AVAX', vs_currency: 'eur' });
        await dollar.emitWithAck('subscribe', { symbol: 'AVAX' });
        bridged.send({ type: 'subscribe', symbol: 'AVAX', vs_currency: 'eur' });
        await bridged.next('subscribed');

        await waitFor(
          async () => {
            await ingestTrades(instanceB.app, [{ symbol: 'AVAX', price: 40 }]);
            return client.of('price_update').some(isPrice('AVAX', 36));
          },
          'a EUR price from instance B on instance A',
          15_000,
          500,
        );
        expect(client.of('price_update').find(isPrice('AVAX', 36))).toMatchObject({
          vs_currency: 'eur',
        });
        await bridged.next('price_update', isPrice('AVAX', 36));
        await dollar.next('price_update', isPrice('AVAX', 40));
        expect(client.of('price_update').filter(isPrice('AVAX', 40))).toEqual([]);
        // Converted once, on the instance of the subscriber: never twice.
        const seqs = client.of('price_update').map((update) => update.seq);
        expect(new Set(seqs).size).toBe(seqs.length);
      });
    },
  );
});
