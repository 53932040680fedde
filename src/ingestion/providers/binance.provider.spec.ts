import { RequestWeightBudget, decimal } from './binance.provider';

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
