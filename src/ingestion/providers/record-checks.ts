// What every record from every source must be before it is stored: numbers that mean what
// their field says (prices positive, amounts non-negative, finite and within sane bounds,
// OHLC consistent), text PostgreSQL can store, and no time from the future. A record that
// fails is rejected on its own, with its reasons; the rest of its payload is stored.
import type { NormalisedAsset } from './market-data-provider';

/** How far ahead of our clock a provider's timestamp may be (its clock, our clock). */
export const CLOCK_SKEW_MS = 5 * 60_000;
/** Above any price a traded asset has had, in USD per unit. */
export const MAX_PRICE = 1e12;
/** Above any market cap, volume or supply a listed asset has had. */
export const MAX_AMOUNT = 1e24;
/** A percentage change cannot fall below −100 %; a rise above this is a broken record. */
const MIN_CHANGE_PERCENT = -100;
const MAX_CHANGE_PERCENT = 1e8;
/** The Bitcoin genesis block: no market time is older. */
const EARLIEST_MS = Date.UTC(2009, 0, 3);
const MAX_RANK = 2_147_483_647;

/** NUL and other control characters, and UTF-16 halves without their other half. */
const UNSTORABLE_TEXT =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

type NumberRule = readonly [field: keyof NormalisedAsset, label: string, min: number, max: number];

const NUMBER_RULES: readonly NumberRule[] = [
  ['currentPrice', 'price', Number.MIN_VALUE, MAX_PRICE],
  ['high24h', 'high_24h', 0, MAX_PRICE],
  ['low24h', 'low_24h', 0, MAX_PRICE],
  ['ath', 'ath', 0, MAX_PRICE],
  ['atl', 'atl', 0, MAX_PRICE],
  ['priceChange24h', 'price_change_24h', -MAX_PRICE, MAX_PRICE],
  ['marketCap', 'market_cap', 0, MAX_AMOUNT],
  ['fullyDilutedValuation', 'fully_diluted_valuation', 0, MAX_AMOUNT],
  ['totalVolume', 'total_volume', 0, MAX_AMOUNT],
  ['circulatingSupply', 'circulating_supply', 0, MAX_AMOUNT],
  ['totalSupply', 'total_supply', 0, MAX_AMOUNT],
  ['maxSupply', 'max_supply', 0, MAX_AMOUNT],
  ['priceChangePercentage1h', 'change_1h', MIN_CHANGE_PERCENT, MAX_CHANGE_PERCENT],
  ['priceChangePercentage24h', 'change_24h', MIN_CHANGE_PERCENT, MAX_CHANGE_PERCENT],
  ['priceChangePercentage7d', 'change_7d', MIN_CHANGE_PERCENT, MAX_CHANGE_PERCENT],
  ['priceChangePercentage30d', 'change_30d', MIN_CHANGE_PERCENT, MAX_CHANGE_PERCENT],
];

const TEXT_FIELDS = ['name', 'slug', 'coingeckoId', 'coinpaprikaId', 'description'] as const;

/** A number's problem against its bounds, or null. */
export function numberProblem(
  label: string,
  value: number,
  min: number,
  max: number,
): string | null {
  if (!Number.isFinite(value)) return `${label} ${value} is not a finite number`;
  if (value < min)
    return min > 0 ? `${label} ${value} is not positive` : `${label} ${value} is below ${min}`;
  if (value > max) return `${label} ${value} is above ${max}`;
  return null;
}

/** A timestamp's problem: before 2009 or ahead of `receivedAt` by more than the clock skew. */
export function timeProblem(label: string, ms: number, receivedAt: number): string | null {
  if (!Number.isFinite(ms)) return `${label} is not a time`;
  if (ms < EARLIEST_MS) return `${label} ${new Date(ms).toISOString()} is before 2009`;
  if (ms > receivedAt + CLOCK_SKEW_MS) {
    const when = Number.isFinite(new Date(ms).getTime()) ? new Date(ms).toISOString() : String(ms);
    return `${label} ${when} is in the future`;
  }
  return null;
}

/** Whether text can be stored and shown as it is (no control characters, well-formed UTF-16). */
export function storableText(value: string): boolean {
  return !UNSTORABLE_TEXT.test(value);
}

const UNSTORABLE_TEXT_ALL = new RegExp(UNSTORABLE_TEXT.source, 'g');

/** Text with what PostgreSQL cannot store (NUL, broken UTF-16) and control characters as U+FFFD. */
export function printable(value: string): string {
  return value.replace(UNSTORABLE_TEXT_ALL, '\ufffd');
}

/** A JSON value with every string made printable (run details quote provider text). */
export function printableJson<T>(value: T): T {
  if (typeof value === 'string') return printable(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => printableJson(item)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [printable(key), printableJson(item)]),
    ) as T;
  }
  return value;
}

/** An image URL as a page may load it: http(s) only; anything else (javascript:, data:) is dropped. */
export function safeImageUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && storableText(value)
      ? url.toString()
      : null;
  } catch {
    return null;
  }
}

/** Every reason an asset record cannot be stored (empty when it can). */
export function assetProblems(asset: NormalisedAsset, receivedAt: Date): string[] {
  const problems: string[] = [];
  for (const field of TEXT_FIELDS) {
    const value = asset[field];
    if (typeof value === 'string' && !storableText(value)) {
      problems.push(`${field} contains a control character or broken Unicode`);
    }
  }
  for (const [field, label, min, max] of NUMBER_RULES) {
    const value = asset[field];
    if (typeof value !== 'number') continue;
    const problem = numberProblem(label, value, min, max);
    if (problem) problems.push(problem);
  }
  const rank = asset.marketCapRank;
  if (typeof rank === 'number' && !(Number.isInteger(rank) && rank >= 1 && rank <= MAX_RANK)) {
    problems.push(`rank ${rank} is not a whole number ≥ 1`);
  }
  if (
    typeof asset.low24h === 'number' &&
    typeof asset.high24h === 'number' &&
    asset.low24h > asset.high24h
  ) {
    problems.push(`low_24h ${asset.low24h} is above high_24h ${asset.high24h}`);
  }
  const now = receivedAt.getTime();
  for (const [label, value] of [
    ['last_updated', asset.lastUpdated],
    ['ath_date', asset.athDate],
    ['atl_date', asset.atlDate],
  ] as const) {
    if (!value) continue;
    const problem = timeProblem(label, value.getTime(), now);
    if (problem) problems.push(problem);
  }
  return problems;
}

/** Why an OHLCV candle cannot be stored, or null: positive prices, low ≤ open/close ≤ high. */
export function candleProblem(
  open: number,
  high: number,
  low: number,
  close: number,
  volume: number,
): string | null {
  for (const [label, value] of [
    ['open', open],
    ['high', high],
    ['low', low],
    ['close', close],
  ] as const) {
    const problem = numberProblem(label, value, Number.MIN_VALUE, MAX_PRICE);
    if (problem) return problem;
  }
  const volumeProblem = numberProblem('volume', volume, 0, MAX_AMOUNT);
  if (volumeProblem) return volumeProblem;
  if (low > Math.min(open, close) || high < Math.max(open, close)) {
    return `low ${low} / high ${high} do not bound open ${open} and close ${close}`;
  }
  return null;
}
