import { reconnectDelay } from './binance-stream.service';

describe(reconnectDelay.name, () => {
  it('doubles from 500 ms up to 30 s, with jitter between half and all of the step', () => {
    const low = () => 0;
    const high = () => 1;

    expect([0, 1, 2, 3].map((n) => reconnectDelay(n, high))).toEqual([500, 1_000, 2_000, 4_000]);
    expect([0, 1, 2, 3].map((n) => reconnectDelay(n, low))).toEqual([250, 500, 1_000, 2_000]);
    expect(reconnectDelay(20, high)).toBe(30_000);
    expect(reconnectDelay(20, low)).toBe(15_000);
  });
});
