// Live updates in a quote currency other than USD. The stream is USD; a subscriber in another
// currency gets each update converted once per currency (not per socket) by the fan-out, with
// the money functions of src/currencies/conversion.ts, the one place money changes currency.
import { convert, convertChange, DAY_MS, type RateTable } from '../currencies/conversion';
import type { CandleUpdatePayload, MarketUpdate, PriceUpdatePayload } from './realtime.events';

/**
 * A price update in another currency: price and 24 h volume at the rate of the price's
 * instant (today: the live rate), the 24 h change restated against the rate a day before.
 * No rate gives null amounts, never a USD number labelled in another currency.
 */
export function convertPriceUpdate(
  payload: PriceUpdatePayload,
  currency: string,
  rates: RateTable,
  nowMs = Date.now(),
): PriceUpdatePayload {
  const at = Date.parse(payload.timestamp);
  const rate = rates.instant(at, nowMs);
  return {
    ...payload,
    price: convert(payload.price, rate),
    change_24h: convertChange(payload.change_24h, rate, rates.at(at - DAY_MS)),
    volume_24h: convert(payload.volume_24h, rate),
    vs_currency: currency,
  };
}

/**
 * A candle in another currency: open, high, low and close at the rate of its open time's day
 * (today: the live rate), as /ohlc converts them. Its volume is in units of the asset and
 * does not change.
 */
export function convertCandleUpdate(
  payload: CandleUpdatePayload,
  currency: string,
  rates: RateTable,
  nowMs = Date.now(),
): CandleUpdatePayload {
  const rate = rates.instant(Date.parse(payload.open_time), nowMs);
  return {
    ...payload,
    open: convert(payload.open, rate),
    high: convert(payload.high, rate),
    low: convert(payload.low, rate),
    close: convert(payload.close, rate),
    vs_currency: currency,
  };
}

/** Any fanned-out update in another currency. */
export function convertUpdate(
  update: MarketUpdate,
  currency: string,
  rates: RateTable,
  nowMs = Date.now(),
): MarketUpdate {
  return update.event === 'price_update'
    ? { event: update.event, payload: convertPriceUpdate(update.payload, currency, rates, nowMs) }
    : { event: update.event, payload: convertCandleUpdate(update.payload, currency, rates, nowMs) };
}
