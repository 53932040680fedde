// PostgreSQL array literals for bulk UNNEST writes, built per column type. pg's generic
// serialiser (prepareValue) took as long as the INSERT itself for 200k candles (1.8 s);
// these take a tenth of that. Values are escaped, so the literals are as safe as bind
// parameters — they are still sent as bind parameters.

function assertFinite(value: number): number {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  return value;
}

export function pgNumbers(values: readonly (number | null | undefined)[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (i > 0) out += ',';
    out += value === null || value === undefined ? 'NULL' : String(assertFinite(value));
  }
  return `${out}}`;
}

export function pgTimestamps(values: readonly Date[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    out += values[i].toISOString();
  }
  return `${out}}`;
}

export function pgTexts(values: readonly (string | null | undefined)[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (i > 0) out += ',';
    out += value === null || value === undefined ? 'NULL' : `"${value.replace(/["\\]/g, '\\$&')}"`;
  }
  return `${out}}`;
}

export function pgBooleans(values: readonly boolean[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    out += values[i] ? 't' : 'f';
  }
  return `${out}}`;
}
