// class-transformer helpers for query strings. Each leaves a value it cannot convert as it
// is, so the validator rejects it with a message naming the parameter.

type TransformArgs = { value: unknown };

export const toNumber = ({ value }: TransformArgs): unknown =>
  typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))
    ? Number(value)
    : value;

export const toInteger = ({ value }: TransformArgs): unknown =>
  typeof value === 'string' && /^-?\d{1,15}$/.test(value.trim()) ? Number(value) : value;

export const toUpperCase = ({ value }: TransformArgs): unknown =>
  typeof value === 'string' ? value.trim().toUpperCase() : value;

/** `BTC,eth, SOL` → `['BTC', 'ETH', 'SOL']`. */
export const toSymbolList = ({ value }: TransformArgs): unknown =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim().toUpperCase())
        .filter((s) => s.length > 0)
    : value;

const EPOCH = /^\d{1,15}(\.\d{1,6})?$/;
/** Epoch numbers below this are seconds (it is 1973-03-03 in ms and year 5138 in seconds). */
export const EPOCH_SECONDS_BELOW = 100_000_000_000;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Epoch seconds or milliseconds as milliseconds: below EPOCH_SECONDS_BELOW it is seconds. */
export const epochToMs = (epoch: number): number =>
  Math.round(epoch < EPOCH_SECONDS_BELOW ? epoch * 1000 : epoch);

/**
 * ISO 8601 (`2026-11-22`, `2026-11-22T10:00:00Z`; no zone means UTC) or an epoch number in
 * seconds (as CoinGecko and Unix tools give it) or milliseconds (as JavaScript does): numbers
 * below 100,000,000,000 are seconds. Anything else stays a string and fails `@IsDate()`.
 */
export const toDate = ({ value }: TransformArgs): unknown => {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  let date: Date | undefined;
  if (EPOCH.test(text)) date = new Date(epochToMs(Number(text)));
  else if (ISO_8601.test(text)) {
    const zoned = /(Z|[+-]\d{2}:?\d{2})$/.test(text) || text.length === 10 ? text : `${text}Z`;
    date = new Date(zoned.replace(' ', 'T'));
  }
  return date && !Number.isNaN(date.getTime()) ? date : value;
};

export const DATE_RULE =
  'must be an ISO 8601 date-time or an epoch number (seconds below 100000000000, else milliseconds)';
