// PostgreSQL array literals for bulk UNNEST writes, built per column type. pg's generic
// serialiser (prepareValue) took as long as the INSERT itself for 200k candles (1.8 s);
// these take a tenth of that. Values are escaped, so the literals are as safe as bind
// parameters — they are still sent as bind parameters.

function assertFinite(value: number): number {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  return value;
}

export function pgNumbers(values: readonly (number | null | undefined)[]): string {
  let hasNulls = false;
  for (const value of values) {
    if (value === null || value === undefined) hasNulls = true;
    else assertFinite(value);
  }
  // join() formats numbers a third faster than concatenating String(value) one by one.
  if (!hasNulls) return `{${values.join(',')}}`;
  return `{${values.map((value) => (value === null || value === undefined ? 'NULL' : value)).join(',')}}`;
}

/** A decimal literal as PostgreSQL's numeric input reads it (what providers send as strings). */
const DECIMAL = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

/**
 * Numeric values given as numbers or as decimal strings. Strings are passed through as they
 * are (a provider's "0.01634790" is stored exactly, without a round trip through a double,
 * and without the cost of formatting one); anything that is not a decimal literal throws.
 */
export function pgDecimals(values: readonly (number | string | null | undefined)[]): string {
  let hasNulls = false;
  for (const value of values) {
    if (value === null || value === undefined) hasNulls = true;
    else if (typeof value === 'number') assertFinite(value);
    else if (!DECIMAL.test(value)) throw new RangeError(`not a decimal number: '${value}'`);
  }
  if (!hasNulls) return `{${values.join(',')}}`;
  return `{${values.map((value) => (value === null || value === undefined ? 'NULL' : value)).join(',')}}`;
}

/**
 * Instants as epoch milliseconds, for `to_timestamp(ms / 1000.0)` in SQL: formatting
 * ISO strings (toISOString) was the slowest part of serialising a candle batch.
 */
export function pgEpochMillis(values: readonly Date[]): string {
  return pgNumbers(values.map((date) => date.getTime()));
}

export function pgTexts(values: readonly (string | null | undefined)[]): string {
  // Batches repeat a handful of values (sources, symbols): quote each distinct one once.
  const quoted = new Map<string, string>();
  const element = (value: string | null | undefined): string => {
    if (value === null || value === undefined) return 'NULL';
    let text = quoted.get(value);
    if (text === undefined) {
      text = `"${value.replace(/["\\]/g, '\\$&')}"`;
      quoted.set(value, text);
    }
    return text;
  };
  return `{${values.map(element).join(',')}}`;
}

export function pgBooleans(values: readonly boolean[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    out += values[i] ? 't' : 'f';
  }
  return `${out}}`;
}
