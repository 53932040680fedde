// The one place money changes currency. Stored money is USD `numeric` (strings from the
// driver); a quote currency is a rate history in units of the currency per US dollar, one
// rate a day. A value converts at the rate of its own day and stays exact text until here,
// where it becomes the response's number. No rate for a day (within the carry window) gives
// null, never a number in the wrong currency.

export const DAY_MS = 86_400_000;

export type Money = string | number | null | undefined;

/** A day's rate: units of the quote currency per US dollar. */
export interface DailyRate {
  /** UTC midnight of the day, epoch ms. */
  day: number;
  rate: number;
}

/** Rates by day, looked up for any instant. */
export class RateTable {
  private readonly days: Float64Array;
  private readonly rates: Float64Array;
  private identity = false;

  /**
   * @param points rates by day, any order (one per day; a later duplicate wins)
   * @param carryDays a day without a rate uses the newest one at most this many days before
   * @param current the rate of now, when the source knows a fresher one than today's
   */
  constructor(
    points: readonly DailyRate[],
    private readonly carryDays: number,
    private readonly current: number | null = null,
  ) {
    const byDay = new Map<number, number>();
    for (const point of points) {
      if (Number.isFinite(point.rate) && point.rate > 0) byDay.set(dayOf(point.day), point.rate);
    }
    const sorted = [...byDay.entries()].sort(([a], [b]) => a - b);
    this.days = Float64Array.from(sorted, ([day]) => day);
    this.rates = Float64Array.from(sorted, ([, rate]) => rate);
  }

  /** The identity: USD in USD. */
  static usd(): RateTable {
    const table = new RateTable([], 0, 1);
    table.identity = true;
    return table;
  }

  get isIdentity(): boolean {
    return this.identity;
  }

  /** The rate of the instant's day, or the newest within the carry window before it, or null. */
  at(ms: number): number | null {
    if (this.isIdentity) return 1;
    const day = dayOf(ms);
    let lo = 0;
    let hi = this.days.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.days[mid] <= day) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (found < 0 || day - this.days[found] > this.carryDays * DAY_MS) return null;
    return this.rates[found];
  }

  /** The rate of a point in time: the live one for a point of today when known, else its day's. */
  instant(ms: number, nowMs = Date.now()): number | null {
    if (this.current !== null && ms >= dayOf(nowMs)) return this.current;
    return this.at(ms);
  }

  /** The rate to convert current values at: the live one when known, else today's. */
  now(nowMs = Date.now()): number | null {
    return this.current ?? this.at(nowMs);
  }
}

/** UTC midnight of an instant. */
export function dayOf(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/** A USD amount in the quote currency; null when either is unknown. */
export function convert(usd: Money, rate: number | null): number | null {
  if (usd === null || usd === undefined || rate === null) return null;
  const value = typeof usd === 'number' ? usd : Number(usd);
  if (!Number.isFinite(value)) return null;
  // 15 significant digits: what a double holds exactly, without the product's last-bit noise
  // (97000 × (1e8 / 97000) is 100000000.00000001 in floating point).
  return rate === 1 ? value : Number((value * rate).toPrecision(15));
}

/** An amount in the quote currency back in USD (a filter bound); null when the rate is unknown. */
export function toUsd(amount: number | undefined, rate: number | null): number | undefined | null {
  if (amount === undefined) return undefined;
  return rate === null ? null : amount / rate;
}

/**
 * A percentage change measured in USD, restated in the quote currency: the value moved by
 * (1 + p) in USD while a dollar moved from `rateThen` to `rateNow` units.
 */
export function convertChange(
  percentUsd: Money,
  rateNow: number | null,
  rateThen: number | null,
): number | null {
  if (percentUsd === null || percentUsd === undefined || rateNow === null || rateThen === null) {
    return null;
  }
  const p = Number(percentUsd);
  if (!Number.isFinite(p)) return null;
  if (rateNow === rateThen) return p;
  return ((1 + p / 100) * (rateNow / rateThen) - 1) * 100;
}

/** A USD price change over a window, restated: now·rNow − then·rThen, with then = now − change. */
export function convertPriceChange(
  priceNowUsd: Money,
  changeUsd: Money,
  rateNow: number | null,
  rateThen: number | null,
): number | null {
  const now = convert(priceNowUsd, rateNow);
  const change = changeUsd === null || changeUsd === undefined ? NaN : Number(changeUsd);
  if (now === null || rateThen === null || !Number.isFinite(change)) return null;
  if (rateNow === rateThen) return change * (rateNow ?? 1);
  return now - (Number(priceNowUsd) - change) * rateThen;
}
