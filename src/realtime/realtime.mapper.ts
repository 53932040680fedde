import type { PriceUpdated } from '../price-history/price-bus';
import type { LiveCandle } from './live-candles.service';
import type { LatestPrice } from '../price-history/latest-price.store';
import type { CandleUpdatePayload, PriceUpdatePayload } from './realtime.events';

export function mapPriceUpdate(price: PriceUpdated | LatestPrice, seq: number): PriceUpdatePayload {
  return {
    symbol: price.symbol,
    price: price.price,
    change_24h: price.change24h ?? null,
    volume_24h: price.volume24h ?? null,
    timestamp: new Date(price.timestamp).toISOString(),
    source: price.source,
    seq,
  };
}

export function mapCandleUpdate(candle: LiveCandle, seq: number): CandleUpdatePayload {
  return {
    symbol: candle.symbol,
    timeframe: candle.timeframe,
    open_time: new Date(candle.openTime).toISOString(),
    open: candle.open,
    high: candle.high,
    low: candle.low,
    close: candle.close,
    volume: candle.volume,
    is_closed: candle.isClosed,
    seq,
  };
}
