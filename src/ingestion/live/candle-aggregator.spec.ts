import { CandleAggregator, type Trade } from './candle-aggregator';

const T0 = Date.parse('2026-11-20T10:00:00Z');
const trade = (overrides: Partial<Trade> = {}): Trade => ({
  symbol: 'BTC',
  price: 100,
  quantity: 1,
  time: T0,
  ...overrides,
});

describe(CandleAggregator.name, () => {
  let sut: CandleAggregator;

  beforeEach(() => {
    sut = new CandleAggregator();
  });

  it('builds a candle from the trades of one minute: first open, high, low, last close, sums', () => {
    sut.add(trade({ price: 100, quantity: 2, time: T0 + 1_000 }));
    sut.add(trade({ price: 105, quantity: 1, time: T0 + 2_000 }));
    sut.add(trade({ price: 95, quantity: 1, time: T0 + 3_000 }));
    sut.add(trade({ price: 101, quantity: 0.5, time: T0 + 59_999 }));

    const { candles, prices } = sut.drain();

    expect(candles).toEqual([
      {
        symbol: 'BTC',
        openTime: T0,
        open: 100,
        high: 105,
        low: 95,
        close: 101,
        volume: 4.5,
        quoteVolume: 200 + 105 + 95 + 50.5,
        tradeCount: 4,
        isClosed: false,
      },
    ]);
    expect(prices.get('BTC')).toEqual({ price: 101, time: T0 + 59_999 });
  });

  it('closes a minute when a trade of the next one arrives, and starts the next', () => {
    sut.add(trade({ price: 100, time: T0 }));
    sut.add(trade({ price: 110, time: T0 + 60_000 }));

    const { candles } = sut.drain();

    expect(candles.map((c) => [c.openTime, c.open, c.close, c.isClosed])).toEqual([
      [T0, 100, 100, true],
      [T0 + 60_000, 110, 110, false],
    ]);
  });

  it('keeps symbols apart', () => {
    sut.add(trade({ symbol: 'BTC', price: 100 }));
    sut.add(trade({ symbol: 'ETH', price: 3 }));

    expect(
      sut
        .drain()
        .candles.map((c) => [c.symbol, c.close])
        .sort(),
    ).toEqual([
      ['BTC', 100],
      ['ETH', 3],
    ]);
  });

  it('drains only what changed since the last drain', () => {
    sut.add(trade({ symbol: 'BTC' }));
    sut.drain();
    sut.add(trade({ symbol: 'ETH' }));

    expect(sut.drain().candles.map((c) => c.symbol)).toEqual(['ETH']);
    expect(sut.drain()).toEqual({ candles: [], prices: new Map() });
  });

  it('closes a quiet minute once it has ended', () => {
    sut.add(trade({ time: T0 + 5_000 }));
    sut.drain();

    sut.closeElapsed(T0 + 59_000);
    expect(sut.drain().candles).toEqual([]);
    sut.closeElapsed(T0 + 60_000);
    expect(sut.drain().candles).toMatchObject([{ openTime: T0, isClosed: true }]);
  });

  it("lets an exchange's final candle replace the traded one and ignores later trades for it", () => {
    sut.add(trade({ price: 100, quantity: 1, time: T0 }));
    sut.addFinal({
      symbol: 'BTC',
      openTime: T0,
      open: 99,
      high: 103,
      low: 98,
      close: 102,
      volume: 7,
      quoteVolume: 700,
      tradeCount: 9,
      isClosed: false,
    });
    sut.add(trade({ price: 500, time: T0 + 30_000 }));

    expect(sut.drain().candles).toEqual([
      expect.objectContaining({ openTime: T0, close: 102, volume: 7, isClosed: true }),
    ]);
    expect(sut.lateTrades).toBe(1);
  });

  it('counts and ignores a trade older than the current minute', () => {
    sut.add(trade({ time: T0 + 60_000 }));
    sut.add(trade({ price: 1, time: T0 }));

    expect(sut.drain().candles).toMatchObject([{ openTime: T0 + 60_000, low: 100 }]);
    expect(sut.lateTrades).toBe(1);
  });

  it('puts back what a failed write drained, without overwriting newer state', () => {
    sut.add(trade({ price: 100, time: T0 }));
    const failed = sut.drain();
    sut.add(trade({ price: 120, time: T0 + 1_000 }));

    sut.restore(failed);

    const { candles, prices } = sut.drain();
    expect(candles).toMatchObject([{ openTime: T0, close: 120, tradeCount: 2 }]);
    expect(prices.get('BTC')).toEqual({ price: 120, time: T0 + 1_000 });
  });
});
