import { Injectable } from '@nestjs/common';
import { OhlcService } from '../price-history/ohlc.service';
import { TIMEFRAME_MS, bucketStart } from '../price-history/timeframe';
import type { SparklinesDto } from './dto/sparklines.query';

/** Seven days of hourly buckets. */
const BUCKETS = 7 * 24;

/** The market table's 7-day sparklines: hourly closes from the same candles /ohlc serves. */
@Injectable()
export class SparklinesService {
  constructor(private readonly ohlc: OhlcService) {}

  async sparklines(symbols: readonly string[], now = new Date()): Promise<SparklinesDto> {
    const width = TIMEFRAME_MS['1h'];
    const to = bucketStart(now.getTime(), '1h') + width;
    const from = to - BUCKETS * width;
    const sparklines: Record<string, (number | null)[]> = {};
    // One after the other: the embedded database serves one query at a time anyway.
    for (const symbol of symbols) {
      const series = await this.ohlc.series(symbol, '1h', { limit: BUCKETS, end: now });
      const closes = new Map(series.candles.map((candle) => [candle.timestamp, candle.close]));
      sparklines[symbol] = Array.from(
        { length: BUCKETS },
        (_, i) => closes.get(from + i * width) ?? null,
      );
    }
    return { timeframe: '1h', from, to, sparklines };
  }
}
