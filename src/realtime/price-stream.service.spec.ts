import { Subject, firstValueFrom, take, toArray } from 'rxjs';
import { loadAppConfig } from '../config/app-config';
import type { AssetsRepository } from '../cryptocurrencies/assets.repository';
import type { LatestPriceStore } from '../price-history/latest-price.store';
import { PriceBus, type CandleUpdated, type PriceUpdated } from '../price-history/price-bus';
import { RedisKeys } from '../redis/redis-keys';
import type { MarketUpdate } from './realtime.events';
import type { LiveCandle, LiveCandlesService } from './live-candles.service';
import { PriceStreamService } from './price-stream.service';
import { SequenceStore } from './sequence.store';

const INTERVAL_MS = 100;

const aPrice = (overrides: Partial<PriceUpdated> = {}): PriceUpdated => ({
  symbol: 'BTC',
  price: 100,
  change24h: null,
  volume24h: null,
  timestamp: Date.now(),
  source: 'test',
  ...overrides,
});

const aCandle = (overrides: Partial<CandleUpdated> = {}): CandleUpdated => ({
  symbol: 'BTC',
  timeframe: '1m',
  openTime: 60_000,
  open: 1,
  high: 1,
  low: 1,
  close: 1,
  volume: 1,
  isClosed: false,
  source: 'test',
  ...overrides,
});

describe(PriceStreamService.name, () => {
  let bus: PriceBus;
  let sut: PriceStreamService;
  const latest = { get: jest.fn() };
  const assets = { findBySymbol: jest.fn() };

  const collect = (count: number): Promise<MarketUpdate[]> =>
    firstValueFrom(sut.updates$.pipe(take(count), toArray()));

  beforeEach(() => {
    const config = loadAppConfig({ WS_MIN_INTERVAL_MS: String(INTERVAL_MS) });
    bus = new PriceBus();
    sut = new PriceStreamService(
      config,
      bus,
      new SequenceStore(null, new RedisKeys(config)),
      latest as unknown as LatestPriceStore,
      assets as unknown as AssetsRepository,
      { candles$: new Subject<LiveCandle>() } as unknown as LiveCandlesService,
    );
    sut.onModuleInit();
  });

  afterEach(() => {
    sut.onModuleDestroy();
  });

  it('sends the first price at once and only the latest of a burst one interval later', async () => {
    const updates = collect(2);
    const started = Date.now();

    bus.publishPrices([1, 2, 3, 4].map((price) => aPrice({ price })));

    const [first, second] = await updates;
    expect([first.payload, second.payload]).toMatchObject([
      { symbol: 'BTC', price: 1 },
      { symbol: 'BTC', price: 4, seq: first.payload.seq + 1 },
    ]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(INTERVAL_MS - 5);
  });

  it('throttles each symbol on its own', async () => {
    const updates = collect(2);
    const started = Date.now();

    bus.publishPrices([aPrice({ symbol: 'BTC' }), aPrice({ symbol: 'ETH', price: 5 })]);

    const sent = await updates;
    expect(sent.map((u) => u.payload.symbol)).toEqual(['BTC', 'ETH']);
    // Each stream's counter starts on its own, from the clock.
    for (const update of sent) expect(update.payload.seq).toBeGreaterThanOrEqual(started);
  });

  it('keeps a closed candle when the next minute starts within the same interval', async () => {
    const updates = collect(3);

    bus.publishCandles([
      aCandle({ openTime: 60_000, close: 1 }),
      aCandle({ openTime: 60_000, close: 2, isClosed: true }),
      aCandle({ openTime: 120_000, close: 3 }),
    ]);

    const sent = (await updates).map((u) => u.payload);
    const seq = sent[0].seq;
    expect(sent).toMatchObject([
      { open_time: '1970-01-01T00:01:00.000Z', close: 1, is_closed: false },
      { open_time: '1970-01-01T00:01:00.000Z', close: 2, is_closed: true, seq: seq + 1 },
      { open_time: '1970-01-01T00:02:00.000Z', close: 3, seq: seq + 2 },
    ]);
  });

  it('numbers prices and candles of a symbol separately', async () => {
    const updates = collect(3);

    bus.publishPrices([aPrice({ price: 1 })]);
    bus.publishCandles([aCandle()]);
    bus.publishPrices([aPrice({ price: 2 })]);

    const [first, candle, second] = await updates;
    expect([first.event, candle.event, second.event]).toEqual([
      'price_update',
      'candle_update',
      'price_update',
    ]);
    // The candle took no number from the price counter.
    expect(second.payload.seq).toBe(first.payload.seq + 1);
  });

  it('snapshots the latest price with the last seq sent, falling back to the asset row', async () => {
    const sent = collect(1);
    bus.publishPrices([aPrice({ price: 7 })]);
    const [{ payload }] = await sent;
    latest.get.mockResolvedValueOnce({ symbol: 'BTC', price: 7, timestamp: 0, source: 'test' });
    latest.get.mockResolvedValueOnce(null);
    assets.findBySymbol.mockResolvedValueOnce({
      currentPrice: '3.5',
      priceChangePercentage24h: '-1.25',
      totalVolume: null,
      lastUpdated: new Date(0),
      source: 'csv',
    });

    expect(await sut.snapshot('BTC')).toMatchObject({
      price: 7,
      seq: payload.seq,
      change_24h: null,
    });
    const fallback = await sut.snapshot('ETH');
    expect(fallback).toEqual({
      symbol: 'ETH',
      price: 3.5,
      change_24h: -1.25,
      volume_24h: null,
      timestamp: '1970-01-01T00:00:00.000Z',
      source: 'csv',
      seq: expect.any(Number),
    });
    // No update of ETH was sent yet: the next one follows the snapshot without a gap.
    const next = collect(1);
    bus.publishPrices([aPrice({ symbol: 'ETH', price: 3.6 })]);
    const [update] = await next;
    expect(update.payload.seq).toBe(fallback!.seq + 1);
  });
});
