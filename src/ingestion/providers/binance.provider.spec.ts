import { RequestWeightBudget, decimal, parseKline } from './binance.provider';

describe(RequestWeightBudget.name, () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: Date.parse('2026-11-20T10:00:30Z') });
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('lets requests through while the minute has weight left', async () => {
    const sut = new RequestWeightBudget(10);

    await sut.take(4, new AbortController().signal);
    await sut.take(6, new AbortController().signal);
  });

  it('waits for the next minute instead of overdrawing, counting what the server reports', async () => {
    const sut = new RequestWeightBudget(100);
    await sut.take(2, new AbortController().signal);
    sut.observe(new Headers({ 'x-mbx-used-weight-1m': '99' }));
    let passed = false;

    const next = sut.take(2, new AbortController().signal).then(() => (passed = true));
    await jest.advanceTimersByTimeAsync(29_000);
    expect(passed).toBe(false);
    await jest.advanceTimersByTimeAsync(1_000);
    await next;

    expect(passed).toBe(true);
  });

  it('gives up waiting when the caller aborts', async () => {
    const sut = new RequestWeightBudget(1);
    await sut.take(1, new AbortController().signal);
    const controller = new AbortController();

    const waiting = sut.take(1, controller.signal);
    controller.abort(new Error('run timed out'));

    await expect(waiting).rejects.toThrow('run timed out');
  });
});

describe(decimal.name, () => {
  it.each([
    ['97216.00000000', 97216],
    ['-1.254', -1.254],
    ['1e-8', 1e-8],
    [42, 42],
  ])('reads %p as %p', (input, expected) => {
    expect(decimal(input)).toBe(expected);
  });

  it.each([['abc'], [''], ['1,5'], [null], [Number.NaN], [{}]])('rejects %p', (input) => {
    expect(decimal(input)).toBeNull();
  });
});

describe(parseKline.name, () => {
  // As documented for GET /api/v3/klines: open time, open, high, low, close, volume, close
  // time, quote asset volume, number of trades, taker buy base, taker buy quote, ignore.
  const row = (): unknown[] => [
    1764547200000,
    '97216.01000000',
    '97300.00000000',
    '97100.50000000',
    '97250.00000000',
    '12.34567000',
    1764547259999,
    '1200567.89000000',
    1523,
    '6.10000000',
    '593000.00000000',
    '0',
  ];

  it('keeps prices and volumes as the exact decimal strings Binance sent', () => {
    expect(parseKline(row())).toEqual({
      openTime: 1764547200000,
      closeTime: 1764547259999,
      open: '97216.01000000',
      high: '97300.00000000',
      low: '97100.50000000',
      close: '97250.00000000',
      volume: '12.34567000',
      quoteVolume: '1200567.89000000',
      tradeCount: 1523,
    });
  });

  it('names a retyped or missing column as schema drift', () => {
    const retyped = row();
    retyped[1] = 97216.01;

    expect(parseKline(retyped)).toBe('schema drift: field 1 is number, expected string');
    expect(parseKline(row().slice(0, 6))).toBe(
      'schema drift: field 6 is missing; field 7 is missing; field 8 is missing',
    );
    expect(parseKline({ open: '1' })).toBe('schema drift: not an array');
  });

  it('rejects a null or non-numeric price', () => {
    const withNull = row();
    withNull[4] = null;
    const notNumeric = row();
    notNumeric[2] = '97,300.00';

    expect(parseKline(withNull)).toBe('a time, price or volume is missing (null)');
    expect(parseKline(notNumeric)).toBe('a price or volume is not a number');
  });

  it('rejects prices that are not positive, do not bound each other or overflow', () => {
    const withRow = (changes: Record<number, unknown>) => {
      const changed = row();
      for (const [index, value] of Object.entries(changes)) changed[Number(index)] = value;
      return parseKline(changed);
    };

    expect(withRow({ 1: '-5', 3: '-10', 4: '118', 2: '120' })).toBe('open -5 is not positive');
    expect(withRow({ 3: '-10' })).toBe('low -10 is not positive');
    expect(withRow({ 2: '1e400' })).toBe('high Infinity is not a finite number');
    expect(withRow({ 3: '97260' })).toBe(
      'low 97260 / high 97300 do not bound open 97216.01 and close 97250',
    );
    expect(withRow({ 5: '-1' })).toBe('volume -1 is below 0');
  });

  it('rejects a kline from the future', () => {
    const receivedAt = 1764547200000 - 10 * 60_000;

    expect(parseKline(row(), receivedAt)).toBe(
      'open time 2025-12-01T00:00:00.000Z is in the future',
    );
  });
});
