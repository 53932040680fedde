import { CircuitBreaker, CircuitOpenError } from './circuit-breaker';
import { sleep } from './http-client';

describe(CircuitBreaker.name, () => {
  const T0 = 1_000_000;
  let sut: CircuitBreaker;

  beforeEach(() => {
    sut = new CircuitBreaker('CoinGecko', { failures: 3, openMs: 10_000 });
  });

  it('stays closed below the threshold, and a success resets the count', () => {
    sut.failed(T0);
    sut.failed(T0);
    sut.succeeded();
    sut.failed(T0);
    sut.failed(T0);

    expect(() => sut.check(T0)).not.toThrow();
  });

  it('opens after the threshold of failures in a row, saying when it will try again', () => {
    for (let i = 0; i < 3; i++) sut.failed(T0);

    expect(() => sut.check(T0 + 1_000)).toThrow(CircuitOpenError);
    expect(() => sut.check(T0 + 1_000)).toThrow(
      'CoinGecko: circuit open after 3 failed calls in a row; next attempt in 9 s',
    );
  });

  it('lets one trial call through after the open period; a failed trial opens it twice as long', () => {
    for (let i = 0; i < 3; i++) sut.failed(T0);

    expect(() => sut.check(T0 + 10_000)).not.toThrow();
    sut.failed(T0 + 10_000);

    expect(() => sut.check(T0 + 29_999)).toThrow(CircuitOpenError);
    expect(() => sut.check(T0 + 30_000)).not.toThrow();
  });

  it('closes again after a successful trial', () => {
    for (let i = 0; i < 3; i++) sut.failed(T0);
    sut.succeeded();
    sut.failed(T0 + 10_000);

    expect(() => sut.check(T0 + 10_001)).not.toThrow();
  });
});

describe('sleep', () => {
  it('leaves no abort listener behind on the signal it waited with', async () => {
    const controller = new AbortController();
    const { signal } = controller;
    let listeners = 0;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = (...args: Parameters<AbortSignal['addEventListener']>) => {
      listeners++;
      add(...args);
    };
    signal.removeEventListener = (...args: Parameters<AbortSignal['removeEventListener']>) => {
      listeners--;
      remove(...args);
    };

    for (let i = 0; i < 20; i++) await sleep(1, signal);

    expect(listeners).toBe(0);
  });

  it('rejects with the reason of the signal that aborts it', async () => {
    const signal = AbortSignal.timeout(5);

    await expect(sleep(10_000, signal)).rejects.toMatchObject({ name: 'TimeoutError' });
  });
});
