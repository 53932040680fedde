import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { AppConfig } from '../src/config/app-config';
import { LiveCandlesService } from '../src/realtime/live-candles.service';
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

const MIN_INTERVAL_MS = 300;
const MESSAGES_PER_SECOND = 10;
const SYMBOLS = ['BTC', 'ETH', 'SOL', 'ADA', 'XRP', 'DOGE', 'LTC', 'DOT', 'UNI', 'LINK', 'ATOM'];

const isPrice = (symbol: string, price?: number) => (data: Record<string, unknown>) =>
  data.symbol === symbol && (price === undefined || data.price === price);

describe('Real-time streaming (e2e)', () => {
  let sut: TestApp;
  let wsUrl: string;
  const clients: { close(): void }[] = [];

  const track = <T extends { close(): void }>(client: T): T => {
    clients.push(client);
    return client;
  };
  const socket = async (): Promise<RecordingSocket> => track(await connectSocket(sut.baseUrl));
  const webSocket = async (path: string): Promise<RecordingWebSocket> =>
    track(await connectWebSocket(`${wsUrl}${path}`));

  beforeAll(async () => {
    sut = await startTestApp({
      env: {
        INGESTION_PROVIDERS: 'csv',
        WS_MIN_INTERVAL_MS: String(MIN_INTERVAL_MS),
        WS_MAX_SYMBOLS_PER_CLIENT: '3',
        WS_MESSAGES_PER_SECOND: String(MESSAGES_PER_SECOND),
      },
    });
    wsUrl = sut.baseUrl.replace(/^http/, 'ws');
    const seeder = new MarketSeeder(sut.app);
    await seeder.assets(SYMBOLS.map((symbol) => anAsset({ symbol, currentPrice: 10 })));
    await seeder.latestPrices([
      { symbol: 'BTC', price: 50_000, timestamp: Date.now(), source: 'coingecko', change24h: 1.5 },
    ]);
  });

  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });

  afterAll(async () => {
    await sut.close();
  });

  describe('Socket.IO gateway', () => {
    it('greets a new connection with its client id and the server time', async () => {
      const client = await socket();

      const hello = await client.next('connected');

      expect(hello).toMatchObject({ client_id: client.socket.id, message: expect.any(String) });
      expect(Math.abs(Number(hello.server_time) - Date.now())).toBeLessThan(5_000);
      expect(new Date(String(hello.timestamp)).getTime()).toBe(hello.server_time);
    });

    it('acknowledges a subscription with the resulting list, sends a snapshot, then live updates', async () => {
      const client = await socket();

      const ack = await client.emitWithAck('subscribe', { symbol: 'btc' });

      expect(ack).toEqual({ success: true, symbols: ['BTC'], subscriptions: ['BTC'] });
      const snapshot = await client.next('price_update', isPrice('BTC'));
      expect(snapshot).toMatchObject({ price: 50_000, change_24h: 1.5, source: 'coingecko' });
      expect(client.of('subscribed')).toEqual([{ symbols: ['BTC'], subscriptions: ['BTC'] }]);

      await ingestTrades(sut.app, [{ symbol: 'BTC', price: 50_123.5 }]);

      const live = await client.next('price_update', isPrice('BTC', 50_123.5));
      expect(live).toMatchObject({ source: 'test', seq: Number(snapshot.seq) + 1 });
      const candle = await client.next('candle_update', (c) => c.symbol === 'BTC');
      expect(candle).toMatchObject({ timeframe: '1m', close: 50_123.5, is_closed: false });
    });

    it('takes several symbols at once and lists them on get_subscriptions', async () => {
      const client = await socket();

      await client.emitWithAck('subscribe', { symbols: ['ETH', 'sol'] });
      const listed = await client.emitWithAck('get_subscriptions');

      expect(listed).toEqual({ subscriptions: ['ETH', 'SOL'] });
      expect(await client.next('subscriptions')).toEqual({ subscriptions: ['ETH', 'SOL'] });
    });

    it('stops sending a symbol once unsubscribed', async () => {
      const leaving = await socket();
      const staying = await socket();
      await leaving.emitWithAck('subscribe', { symbols: ['ADA', 'XRP'] });
      await staying.emitWithAck('subscribe', { symbol: 'ADA' });

      const ack = await leaving.emitWithAck('unsubscribe', { symbol: 'ADA' });
      await ingestTrades(sut.app, [{ symbol: 'ADA', price: 0.51 }]);

      expect(ack).toEqual({ success: true, symbols: ['ADA'], subscriptions: ['XRP'] });
      await staying.next('price_update', isPrice('ADA', 0.51));
      expect(leaving.of('price_update').filter(isPrice('ADA', 0.51))).toEqual([]);
      expect(await leaving.next('unsubscribed')).toEqual({
        symbols: ['ADA'],
        subscriptions: ['XRP'],
      });
    });

    it('answers ping with pong', async () => {
      const client = await socket();

      const ack = await client.emitWithAck('ping');

      expect(Date.parse(String(ack.timestamp))).toBeGreaterThan(Date.now() - 5_000);
      await client.next('pong');
    });

    it.each([
      ['a string', 'BTC', 'validation_failed', /JSON object/],
      ['no symbol', {}, 'validation_failed', /symbol or symbols is required/],
      ['an invalid symbol', { symbol: 'BT-C' }, 'validation_failed', /1 to 20 letters or digits/],
      ['an unknown field', { symbol: 'BTC', extra: 1 }, 'validation_failed', /extra/],
      ['an unknown symbol', { symbols: ['BTC', 'NOPE'] }, 'not_found', /Unknown symbol: NOPE/],
    ])(
      'answers a subscribe with %s by error, and keeps the connection',
      async (_, payload, code, message) => {
        const client = await socket();
        const bystander = await socket();

        const ack = await client.emitWithAck('subscribe', payload);

        expect(ack).toMatchObject({ success: false, code, error: expect.stringMatching(message) });
        expect(await client.next('error')).toMatchObject({ code });
        expect(await client.emitWithAck('get_subscriptions')).toEqual({ subscriptions: [] });
        expect(bystander.socket.connected).toBe(true);
      },
    );

    it('refuses more symbols than the per-client limit, keeping the earlier ones', async () => {
      const client = await socket();
      await client.emitWithAck('subscribe', { symbols: ['DOGE', 'LTC'] });

      const ack = await client.emitWithAck('subscribe', { symbols: ['DOT', 'UNI'] });

      expect(ack).toMatchObject({ success: false, code: 'limit_exceeded' });
      expect(String(ack.error)).toContain('At most 3 symbols');
      expect(await client.emitWithAck('get_subscriptions')).toEqual({
        subscriptions: ['DOGE', 'LTC'],
      });
    });

    it('throttles a message flood per socket, answering the excess with rate_limited', async () => {
      const flooder = await socket();
      const calm = await socket();

      const answers = await Promise.all(
        Array.from({ length: MESSAGES_PER_SECOND * 3 }, () => flooder.emitWithAck('ping')),
      );

      const limited = answers.filter((a) => a.code === 'rate_limited');
      expect(limited.length).toBeGreaterThanOrEqual(MESSAGES_PER_SECOND);
      expect(answers.length - limited.length).toBeLessThanOrEqual(MESSAGES_PER_SECOND);
      expect(await calm.emitWithAck('ping')).toHaveProperty('timestamp');
      expect(flooder.socket.connected).toBe(true);
    });

    it('coalesces a burst of prices to at most one per interval, the latest winning', async () => {
      const client = await socket();
      await client.emitWithAck('subscribe', { symbol: 'LINK' });
      const start = client.received.length;

      for (const price of [1, 2, 3, 4, 5]) await ingestTrades(sut.app, [{ symbol: 'LINK', price }]);
      await client.next('price_update', isPrice('LINK', 5), start);

      const updates = client.received.slice(start).filter((r) => r.event === 'price_update');
      const prices = updates.map((u) => u.data.price);
      expect(prices.length).toBeLessThan(5);
      expect(prices.at(-1)).toBe(5);
      const seqs = updates.map((u) => Number(u.data.seq));
      expect(seqs).toEqual(seqs.map((_, i) => seqs[0] + i)); // coalescing is not a gap
    });

    it('replays the updates a client missed when it reconnects within the recovery window', async () => {
      const client = await socket();
      await client.emitWithAck('subscribe', { symbol: 'ATOM' });
      await ingestTrades(sut.app, [{ symbol: 'ATOM', price: 7.1 }]);
      await client.next('price_update', isPrice('ATOM', 7.1));

      const disconnected = new Promise((resolve) => client.socket.once('disconnect', resolve));
      client.socket.io.engine.close(); // the transport drops; the client reconnects by itself
      await disconnected;
      await new Promise((resolve) => setTimeout(resolve, MIN_INTERVAL_MS));
      await ingestTrades(sut.app, [{ symbol: 'ATOM', price: 7.2 }]);

      await client.next('price_update', isPrice('ATOM', 7.2));
      expect(client.socket.recovered).toBe(true);
      expect(await client.emitWithAck('get_subscriptions')).toEqual({ subscriptions: ['ATOM'] });
    });
  });

  describe('plain WebSocket bridge', () => {
    it('speaks the same protocol on /ws: subscribe, snapshot, live updates, ping, subscriptions', async () => {
      const client = await webSocket('/ws');
      const hello = await client.next('connected');
      expect(hello.client_id).toEqual(expect.any(String));

      client.send({ type: 'subscribe', symbol: 'btc' });

      expect(await client.next('subscribed')).toMatchObject({
        symbols: ['BTC'],
        subscriptions: ['BTC'],
      });
      const snapshot = await client.next('price_update', isPrice('BTC'));
      const from = client.received.length;
      await new Promise((resolve) => setTimeout(resolve, MIN_INTERVAL_MS));
      await ingestTrades(sut.app, [{ symbol: 'BTC', price: 51_000 }]);
      const live = await client.next('price_update', isPrice('BTC', 51_000), from);
      expect(Number(live.seq)).toBeGreaterThan(Number(snapshot.seq));

      client.send({ type: 'ping' });
      await client.next('pong');
      client.send({ type: 'get_subscriptions' });
      expect(await client.next('subscriptions')).toMatchObject({ subscriptions: ['BTC'] });
      client.send({ type: 'unsubscribe', symbol: 'BTC' });
      expect(await client.next('unsubscribed')).toMatchObject({
        symbols: ['BTC'],
        subscriptions: [],
      });
    });

    it("sends every field of the replaced data server's /ws protocol, with its type", async () => {
      const client = await webSocket('/ws');
      await client.next('connected');

      client.send({ type: 'subscribe', symbol: 'BTC' });

      // Its documented messages: subscribed {symbol, message}; price_update {symbol, price,
      // timestamp (epoch ms), source}.
      expect(await client.next('subscribed')).toMatchObject({
        symbol: 'BTC',
        message: 'Subscribed to BTC updates',
      });
      const update = await client.next('price_update', isPrice('BTC'));
      expect(update).toMatchObject({ symbol: 'BTC', price: expect.any(Number) });
      expect(typeof update.source).toBe('string');
      expect(typeof update.timestamp).toBe('number');
      expect(new Date(String(update.as_of)).getTime()).toBe(update.timestamp);
    });

    it('names the type a field must have when a subscription gives the wrong one', async () => {
      const client = await webSocket('/ws');

      client.send({ type: 'subscribe', symbols: 'BTC' });

      expect(await client.next('error')).toMatchObject({
        code: 'validation_failed',
        error: 'Invalid symbols: symbols must be an array',
      });
    });

    it('answers unknown types, invalid JSON and unknown symbols with an error, keeping the connection', async () => {
      const client = await webSocket('/ws');

      client.send({ type: 'FOO' });
      expect(await client.next('error')).toMatchObject({ error: 'Unknown message type: FOO' });
      client.send('{not json');
      expect(await client.next('error', (e) => e.error === 'Invalid JSON')).toMatchObject({
        code: 'bad_request',
      });
      client.send({ type: 'subscribe', symbol: 'NOPE' });
      expect(await client.next('error', (e) => e.code === 'not_found')).toMatchObject({
        error: 'Unknown symbol: NOPE',
      });

      client.send({ type: 'ping' });
      await client.next('pong');
      expect(client.ws.readyState).toBe(WebSocket.OPEN);
    });

    it('streams one symbol on /ws/prices/{symbol} without any client message', async () => {
      const client = await webSocket('/ws/prices/eth');

      expect(await client.next('connection')).toMatchObject({ symbol: 'ETH' });
      await new Promise((resolve) => setTimeout(resolve, MIN_INTERVAL_MS));
      await ingestTrades(sut.app, [{ symbol: 'ETH', price: 3_210 }]);

      await client.next('price_update', isPrice('ETH', 3_210));
    });

    it('streams every symbol on /ws/prices/ALL', async () => {
      const client = await webSocket('/ws/prices/ALL');
      await client.next('connection');

      await new Promise((resolve) => setTimeout(resolve, MIN_INTERVAL_MS));
      await ingestTrades(sut.app, [
        { symbol: 'SOL', price: 150.5 },
        { symbol: 'XRP', price: 0.6 },
      ]);

      await client.next('price_update', isPrice('SOL', 150.5));
      await client.next('price_update', isPrice('XRP', 0.6));
    });

    it('refuses a stream of an unknown symbol with an error and a policy close', async () => {
      const client = await webSocket('/ws/prices/NOPE');
      const closed = new Promise<number>((resolve) => client.ws.once('close', resolve));

      expect(await client.next('error')).toMatchObject({ code: 'not_found' });
      expect(await closed).toBe(1008);
    });

    it('leaves Socket.IO and other upgrade paths alone', async () => {
      const status = await new Promise<number>((resolve) => {
        const ws = new WebSocket(`${wsUrl}/elsewhere`);
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.once('error', () => resolve(-1));
      });

      expect(status).not.toBe(101);
      expect((await socket()).socket.connected).toBe(true);
    });
  });

  describe('with WS_REQUIRE_API_KEY=true', () => {
    const apiKey = `test-admin-key-${randomBytes(8).toString('hex')}`;
    let secured: TestApp;

    beforeAll(async () => {
      secured = await startTestApp({
        env: { INGESTION_PROVIDERS: 'csv', WS_REQUIRE_API_KEY: 'true', ADMIN_API_KEY: apiKey },
      });
    });

    afterAll(async () => {
      await secured.close();
    });

    it('refuses a Socket.IO handshake without a valid key, with a clear error', async () => {
      await expect(connectSocket(secured.baseUrl, { reconnection: false })).rejects.toThrow(
        'An API key is required to connect',
      );
      await expect(
        connectSocket(secured.baseUrl, {
          reconnection: false,
          auth: { apiKey: 'wrong-key-123456' },
        }),
      ).rejects.toThrow('Invalid API key');

      const client = track(await connectSocket(secured.baseUrl, { auth: { apiKey } }));
      expect(await client.next('connected')).toHaveProperty('client_id');
    });

    it('refuses a /ws upgrade without a valid key with 401', async () => {
      const url = `${secured.baseUrl.replace(/^http/, 'ws')}/ws`;
      const status = await new Promise<number>((resolve) => {
        const ws = new WebSocket(url);
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.once('open', () => resolve(101));
      });

      expect(status).toBe(401);
      const client = track(await connectWebSocket(url, { 'x-api-key': apiKey }));
      await client.next('connected');
    });
  });

  describe('heartbeat', () => {
    let beating: TestApp;

    beforeAll(async () => {
      beating = await startTestApp({
        env: { INGESTION_PROVIDERS: 'csv', WS_HEARTBEAT_SECONDS: '1' },
      });
    });

    afterAll(async () => {
      await beating.close();
    });

    it('closes a /ws peer that stops answering pings, and keeps one that answers', async () => {
      const url = `${beating.baseUrl.replace(/^http/, 'ws')}/ws`;
      const silent = new WebSocket(url, { autoPong: false });
      const healthy = track(await connectWebSocket(url));
      const closed = new Promise((resolve) => silent.once('close', resolve));

      await closed;

      expect(healthy.ws.readyState).toBe(WebSocket.OPEN);
    });
  });

  it('shuts down promptly with clients of both protocols connected, telling /ws clients why', async () => {
    const closing = await startTestApp({ env: { INGESTION_PROVIDERS: 'csv' } });
    const client = track(await connectSocket(closing.baseUrl, { reconnection: false }));
    const bridged = track(await connectWebSocket(`${closing.baseUrl.replace(/^http/, 'ws')}/ws`));
    const closeCode = new Promise<number>((resolve) => bridged.ws.once('close', resolve));
    const disconnected = new Promise((resolve) => client.socket.once('disconnect', resolve));
    const started = Date.now();

    await closing.close();

    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await closeCode).toBe(1001);
    await disconnected;
  });

  (serverDatabaseUrl && serverRedisUrl ? describe : describe.skip)(
    'two instances on one Redis (server mode)',
    () => {
      let instanceA: TestApp;
      let instanceB: TestApp;

      beforeAll(async () => {
        const env = {
          INGESTION_PROVIDERS: 'csv',
          REDIS_KEY_PREFIX: `test-rt-${randomBytes(4).toString('hex')}`,
        };
        instanceA = await startTestApp({ env });
        instanceB = await startTestApp({ env, database: instanceA.database });
        await new MarketSeeder(instanceA.app).assets([anAsset({ symbol: 'AVAX' })]);
      });

      afterAll(async () => {
        await instanceB?.close();
        await instanceA?.close();
      });

      it('delivers a price ingested on instance B to subscribers on instance A, with one seq', async () => {
        expect(instanceA.app.get(AppConfig).redis.url).toBeDefined();
        const client = track(await connectSocket(instanceA.baseUrl));
        const bridged = track(
          await connectWebSocket(`${instanceA.baseUrl.replace(/^http/, 'ws')}/ws/prices/AVAX`),
        );
        await client.emitWithAck('subscribe', { symbol: 'AVAX' });
        await bridged.next('connection');

        await waitFor(
          async () => {
            await ingestTrades(instanceB.app, [{ symbol: 'AVAX', price: 35.25 }]);
            return client.of('price_update').some(isPrice('AVAX', 35.25));
          },
          'a price from instance B on instance A',
          15_000,
          500,
        );
        await bridged.next('price_update', isPrice('AVAX', 35.25));

        await new Promise((resolve) => setTimeout(resolve, 300));
        await ingestTrades(instanceA.app, [{ symbol: 'AVAX', price: 35.5 }]);
        const fromA = await client.next('price_update', isPrice('AVAX', 35.5));
        const fromB = client.of('price_update').filter(isPrice('AVAX', 35.25)).at(-1)!;
        expect(Number(fromA.seq)).toBeGreaterThan(Number(fromB.seq));
      });

      it('rolls up the timeframe a client of instance A watches from trades ingested on instance B', async () => {
        const rolledOnB = new Set<string>();
        const rolling = instanceB.app
          .get(LiveCandlesService)
          .candles$.subscribe((candle) => rolledOnB.add(candle.timeframe));
        const client = track(await connectSocket(instanceA.baseUrl));
        await client.emitWithAck('subscribe', { symbol: 'AVAX', timeframes: ['4h'] });

        // Instance B learns what A's clients watch within about two announcement periods.
        await waitFor(
          async () => {
            await ingestTrades(instanceB.app, [{ symbol: 'AVAX', price: 36 }]);
            return client.of('candle_update').some((candle) => candle.timeframe === '4h');
          },
          'a 4h candle rolled up on instance B',
          15_000,
          500,
        );
        const candle = client.of('candle_update').find((c) => c.timeframe === '4h')!;
        expect(candle).toMatchObject({ symbol: 'AVAX', close: 36 });
        // Only what somebody watches is rolled up and sent through Redis.
        rolling.unsubscribe();
        expect([...rolledOnB]).toEqual(['4h']);
      });
    },
  );
});
