import { rollUp, type MinuteCandle } from './candle-rollup';

const HOUR = Date.parse('2026-12-01T10:00:00Z');
const minute = (offset: number, overrides: Partial<MinuteCandle> = {}): MinuteCandle => ({
  openTime: HOUR + offset * 60_000,
  open: 100 + offset,
  high: 101 + offset,
  low: 99 + offset,
  close: 100.5 + offset,
  volume: 2,
  isClosed: true,
  ...overrides,
});

describe(rollUp.name, () => {
  it('takes the first open, the extremes, the last close and the summed volume, in any order', () => {
    const sut = rollUp([minute(2), minute(0, { low: 90 }), minute(1, { high: 150 })], '1h');

    expect(sut).toEqual({
      timeframe: '1h',
      openTime: HOUR,
      open: 100,
      high: 150,
      low: 90,
      close: 102.5,
      volume: 6,
      isClosed: false,
    });
  });

  it('closes the bucket with its last minute, and not before that minute closes', () => {
    expect(rollUp([minute(0), minute(59, { isClosed: false })], '1h').isClosed).toBe(false);
    expect(rollUp([minute(0), minute(59)], '1h').isClosed).toBe(true);
    expect(rollUp([minute(4)], '5m').isClosed).toBe(true);
    expect(rollUp([minute(3)], '5m').isClosed).toBe(false);
  });

  it('aligns buckets like /ohlc: weeks start on Monday', () => {
    // 2026-12-01 is a Tuesday; its week opened on Monday 2026-11-30.
    expect(new Date(rollUp([minute(0)], '1w').openTime).toISOString()).toBe(
      '2026-11-30T00:00:00.000Z',
    );
    expect(new Date(rollUp([minute(0)], '4h').openTime).toISOString()).toBe(
      '2026-12-01T08:00:00.000Z',
    );
  });

  it('refuses minutes of two buckets, or none', () => {
    expect(() => rollUp([minute(0), minute(60)], '1h')).toThrow(/more than one 1h bucket/);
    expect(() => rollUp([], '1h')).toThrow(/at least one minute/);
  });
});
