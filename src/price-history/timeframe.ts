// Chart timeframes and where each is rolled up from: minutes from the 1-minute candles,
// hours and days from the stored hourly/daily roll-ups.

export const TIMEFRAMES = ['1m', '5m', '15m', '30m', '1h', '4h', '1d', '1w'] as const;
export type Timeframe = (typeof TIMEFRAMES)[number];

const MINUTE = 60_000;

export const TIMEFRAME_MS: Record<Timeframe, number> = {
  '1m': MINUTE,
  '5m': 5 * MINUTE,
  '15m': 15 * MINUTE,
  '30m': 30 * MINUTE,
  '1h': 60 * MINUTE,
  '4h': 240 * MINUTE,
  '1d': 1_440 * MINUTE,
  '1w': 10_080 * MINUTE,
};

/** Rows to aggregate: the base 1-minute candles, or one of the stored roll-ups. */
export type CandleSource =
  { table: 'candles' } | { table: 'candle_rollups'; timeframe: '1h' | '1d' };

export function candleSourceOf(timeframe: Timeframe): CandleSource {
  switch (timeframe) {
    case '1m':
    case '5m':
    case '15m':
    case '30m':
      return { table: 'candles' };
    case '1h':
    case '4h':
      return { table: 'candle_rollups', timeframe: '1h' };
    case '1d':
    case '1w':
      return { table: 'candle_rollups', timeframe: '1d' };
  }
}

/** Buckets are aligned to a Monday midnight UTC, so weeks start on Monday (ISO 8601). */
export const BUCKET_ORIGIN = new Date('2000-01-03T00:00:00Z');

export function bucketStart(time: number, timeframe: Timeframe): number {
  const width = TIMEFRAME_MS[timeframe];
  const origin = BUCKET_ORIGIN.getTime();
  return origin + Math.floor((time - origin) / width) * width;
}
