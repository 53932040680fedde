// The bundled daily FX history: reading the public Yahoo Finance files it was built from,
// and reading its own compact files (`CODE.csv.gz`: `date,rate`, units per US dollar).

/** The bundled fiat currencies' names (ISO 4217). */
export const BUNDLED_CURRENCY_NAMES: Readonly<Record<string, string>> = {
  aud: 'Australian Dollar',
  cad: 'Canadian Dollar',
  eur: 'Euro',
  gbp: 'British Pound Sterling',
  jpy: 'Japanese Yen',
  nzd: 'New Zealand Dollar',
};

export interface DayRate {
  /** `YYYY-MM-DD`. */
  day: string;
  /** Units of the currency per US dollar, decimal text. */
  rate: string;
}

export class FxFileError extends Error {
  constructor(file: string, line: number, reason: string) {
    super(`${file}, line ${line}: ${reason}`);
    this.name = 'FxFileError';
  }
}

// Yahoo writes each trading day as its exchange's local midnight (`+00:00` or `+01:00`):
// the date part is the day.
const DAY = /^(\d{4}-\d{2}-\d{2})(?:[ T]00:00:00(?:[+-]\d{2}:\d{2}|Z)?)?$/;
const DECIMAL = /^\d+(\.\d+)?(e-?\d+)?$/i;
/** No currency trades above a million units per dollar, nor below a millionth. */
const MIN_RATE = 1e-6;
const MAX_RATE = 1e6;

/** A rate by meaning: a finite positive number in a plausible range. */
function checkedRate(text: string, file: string, line: number): number {
  const value = Number(text);
  if (!DECIMAL.test(text) || !Number.isFinite(value) || value < MIN_RATE || value > MAX_RATE) {
    throw new FxFileError(file, line, `'${text}' is not a plausible exchange rate`);
  }
  return value;
}

function checkedDay(text: string, file: string, line: number, previous: string | null): string {
  const match = DAY.exec(text);
  const day = match?.[1];
  if (!day || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) {
    throw new FxFileError(file, line, `'${text}' is not a date`);
  }
  if (Date.parse(`${day}T00:00:00Z`) > Date.now() + 86_400_000) {
    throw new FxFileError(file, line, `${day} is in the future`);
  }
  if (previous !== null && day <= previous) {
    throw new FxFileError(file, line, `${day} is not after ${previous}`);
  }
  return day;
}

/** Eight significant digits: more than any published daily rate carries. */
const rounded = (value: number): string => String(Number(value.toPrecision(8)));

/**
 * A Yahoo Finance daily file of a pair (`EURUSD_1d.csv`, `USDJPY_1d.csv`): columns
 * `Date,Open,High,Low,Close,…`. The day's close is its rate: `XXXUSD` quotes dollars per
 * unit (inverted here), `USDXXX` units per dollar.
 */
export function parseYahooPair(text: string, file: string): { currency: string; rates: DayRate[] } {
  const pair = /^(USD([A-Z]{3})|([A-Z]{3})USD)_1d\.csv$/.exec(file);
  if (!pair) throw new FxFileError(file, 0, 'the name is not XXXUSD_1d.csv or USDXXX_1d.csv');
  const inverted = pair[3] !== undefined;
  const currency = (pair[2] ?? pair[3]).toLowerCase();
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines[0]?.split(',') ?? [];
  const dateAt = header.indexOf('Date');
  const closeAt = header.indexOf('Close');
  if (dateAt < 0 || closeAt < 0) throw new FxFileError(file, 1, 'no Date and Close columns');
  const rates: DayRate[] = [];
  let previous: string | null = null;
  for (let i = 1; i < lines.length; i++) {
    const cells = lines[i].split(',');
    const day = checkedDay(cells[dateAt]?.trim() ?? '', file, i + 1, previous);
    const close = checkedRate(cells[closeAt]?.trim() ?? '', file, i + 1);
    rates.push({ day, rate: rounded(inverted ? 1 / close : close) });
    previous = day;
  }
  return { currency, rates };
}

/** A bundled file (`eur.csv.gz`, unzipped): header `date,rate`, one line a day, days ascending. */
export function parseBundledRates(text: string, file: string): DayRate[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines[0]?.trim() !== 'date,rate')
    throw new FxFileError(file, 1, "the header is not 'date,rate'");
  const rates: DayRate[] = [];
  let previous: string | null = null;
  for (let i = 1; i < lines.length; i++) {
    const [dayText = '', rateText = '', ...rest] = lines[i].split(',');
    if (rest.length > 0) throw new FxFileError(file, i + 1, 'more than two columns');
    const day = checkedDay(dayText.trim(), file, i + 1, previous);
    checkedRate(rateText.trim(), file, i + 1);
    rates.push({ day, rate: rateText.trim() });
    previous = day;
  }
  return rates;
}

export function formatBundledRates(rates: readonly DayRate[]): string {
  return ['date,rate', ...rates.map((r) => `${r.day},${r.rate}`)].join('\n') + '\n';
}
