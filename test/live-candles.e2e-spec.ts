import { clientsFor, type Clients } from './support/clients';
import { MarketSeeder, anAsset } from './support/market-fixtures';
import {
  connectSocket,
  connectWebSocket,
  ingestTrades,
  type RecordingSocket,
  type RecordingWebSocket,
} from './support/realtime-clients';
import { startTestApp, type TestApp } from './support/test-app';

const isCandle =
  (symbol: string, timeframe: string, close?: number) => (c: Record<string, unknown>) =>
    c.symbol === symbol && c.timeframe === timeframe && (close === undefined || c.close === close);

describe('Live candles of any timeframe (e2e)', () => {
  let sut: TestApp;
  let clients: Clients;
  const open: { close(): void }[] = [];
  const track = <T extends { close(): void }>(client: T): T => {
    open.push(client);
    return client;
  };
  const socket = async (): Promise<RecordingSocket> => track(await connectSocket(sut.baseUrl));
  const webSocket = async (): Promise<RecordingWebSocket> =>
    track(await connectWebSocket(`${sut.baseUrl.replace(/^http/, 'ws')}/ws`));

  beforeAll(async () => {
    sut = await startTestApp({ env: { INGESTION_PROVIDERS: 'csv', WS_MIN_INTERVAL_MS: '10' } });
    clients = clientsFor(sut.baseUrl);
    await new MarketSeeder(sut.app).assets(
      ['BTC', 'ETH', 'SOL'].map((symbol) => anAsset({ symbol, currentPrice: 10 })),
    );
  });

  afterEach(() => {
    for (const client of open.splice(0)) client.close();
  });

  afterAll(async () => {
    await sut.close();
  });

  it('streams the timeframes a subscription names, each equal to what /ohlc returns a moment later', async () => {
    const client = await socket();
    const ack = await client.emitWithAck('subscribe', {
      symbol: 'BTC',
      timeframes: ['1h', '5m', '1w'],
    });
    expect(ack).toMatchObject({ success: true, symbols: ['BTC'] });

    for (const price of [50_000, 50_400, 49_800]) {
      await ingestTrades(sut.app, [{ symbol: 'BTC', price }]);
      for (const timeframe of ['5m', '1h', '1w']) {
        const streamed = await client.next('candle_update', isCandle('BTC', timeframe, price));
        const stored = await clients.market.ohlc('BTC', { timeframe, limit: 1 });
        const [candle] = stored.body.ohlc;

        expect({ timeframe, ...streamed, seq: undefined }).toEqual({
          timeframe,
          symbol: 'BTC',
          open_time: new Date(candle.timestamp).toISOString(),
          open: candle.open,
          high: candle.high,
          low: candle.low,
          close: candle.close,
          volume: candle.volume,
          is_closed: false,
          seq: undefined,
        });
      }
    }
    expect(client.of('candle_update').filter(isCandle('BTC', '1m'))).toEqual([]);
  });

  it('replaces the timeframes of a symbol on a new subscribe, and keeps 1m as the default', async () => {
    const client = await socket();
    await client.emitWithAck('subscribe', { symbol: 'ETH' });
    await ingestTrades(sut.app, [{ symbol: 'ETH', price: 3_000 }]);
    await client.next('candle_update', isCandle('ETH', '1m', 3_000));

    await client.emitWithAck('subscribe', { symbol: 'ETH', timeframes: ['4h'] });
    const from = client.received.length;
    await ingestTrades(sut.app, [{ symbol: 'ETH', price: 3_100 }]);
    await client.next('candle_update', isCandle('ETH', '4h', 3_100), from);
    await ingestTrades(sut.app, [{ symbol: 'ETH', price: 3_200 }]);
    await client.next('candle_update', isCandle('ETH', '4h', 3_200), from);

    // (With Redis, a 4h candle rolled before the change may still arrive: every timeframe is rolled.)
    const since = client.received.slice(from).filter((r) => r.event === 'candle_update');
    expect(new Set(since.map((r) => r.data.timeframe))).toEqual(new Set(['4h']));
  });

  it('streams them on the plain /ws protocol too', async () => {
    const client = await webSocket();
    client.send({ type: 'subscribe', symbol: 'SOL', timeframes: ['15m'] });
    await client.next('subscribed');
    await ingestTrades(sut.app, [{ symbol: 'SOL', price: 150 }]);

    const candle = await client.next('candle_update', isCandle('SOL', '15m', 150));
    expect(Date.parse(String(candle.open_time)) % (15 * 60_000)).toBe(0);
    expect(client.of('candle_update').filter(isCandle('SOL', '1m'))).toEqual([]);
  });

  it.each([
    [{ symbol: 'BTC', timeframes: ['2m'] }, /each of timeframes must be one of: 1m, 5m/],
    [{ symbol: 'BTC', timeframes: [] }, /timeframes must contain at least 1 elements/],
    [{ symbol: 'BTC', timeframes: '1h' }, /timeframes must be an array/],
  ])('refuses %j with validation_failed', async (request, message) => {
    const client = await socket();
    const ack = await client.emitWithAck('subscribe', request);

    expect(ack).toMatchObject({ success: false, code: 'validation_failed' });
    expect(String(ack.error)).toMatch(message);
  });
});
