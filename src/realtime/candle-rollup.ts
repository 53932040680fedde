// Live candles of any timeframe, rolled up from the 1-minute candles of their bucket: the
// same aggregation /ohlc applies to stored minutes (first open, highest high, lowest low,
// last close, summed volume), kept as a pure function so the stream and the store agree.
import { TIMEFRAME_MS, bucketStart, type Timeframe } from '../price-history/timeframe';

export interface MinuteCandle {
  /** Epoch ms. */
  openTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  isClosed: boolean;
}

export interface RolledCandle extends MinuteCandle {
  timeframe: Timeframe;
}

/**
 * The candle of `timeframe` whose bucket holds `minutes` (any order; one entry per minute,
 * each minute's latest state). Closed once its last minute is closed.
 */
export function rollUp(minutes: Iterable<MinuteCandle>, timeframe: Timeframe): RolledCandle {
  const sorted = [...minutes].sort((a, b) => a.openTime - b.openTime);
  if (sorted.length === 0) throw new Error('rollUp needs at least one minute');
  const openTime = bucketStart(sorted[0].openTime, timeframe);
  const end = openTime + TIMEFRAME_MS[timeframe];
  const last = sorted[sorted.length - 1];
  if (last.openTime >= end) {
    throw new Error(`minutes span more than one ${timeframe} bucket (from ${openTime})`);
  }
  let high = -Infinity;
  let low = Infinity;
  let volume = 0;
  for (const minute of sorted) {
    high = Math.max(high, minute.high);
    low = Math.min(low, minute.low);
    volume += minute.volume;
  }
  return {
    timeframe,
    openTime,
    open: sorted[0].open,
    high,
    low,
    close: last.close,
    volume,
    isClosed: last.isClosed && last.openTime + TIMEFRAME_MS['1m'] >= end,
  };
}
