// CoinGecko `/exchange_rates` (docs.coingecko.com, "BTC-to-Currency Exchange Rates"):
// `{"rates": {"usd": {"name": "US Dollar", "unit": "$", "value": 67187.34, "type": "fiat"}, …}}`,
// each value the currency's units per bitcoin. Restated per US dollar: value / usd.value.
import { CURRENCY_CODE } from './quote-currencies';

export interface ParsedFxRate {
  code: string;
  name: string;
  kind: 'fiat' | 'commodity';
  /** Units per US dollar, decimal text (8 significant digits). */
  rate: string;
}

export interface ParsedExchangeRates {
  rates: ParsedFxRate[];
  /** Entries left out, each with its reason (crypto entries are priced from our own data). */
  rejected: { code: string; reason: string }[];
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Throws when the payload is not the documented shape; rejects bad entries one by one. */
export function parseExchangeRates(body: unknown): ParsedExchangeRates {
  if (!isObject(body) || !isObject(body.rates)) {
    throw new Error('exchange_rates: the payload has no "rates" object');
  }
  const usd = body.rates.usd;
  const usdPerBtc = isObject(usd) ? usd.value : undefined;
  if (typeof usdPerBtc !== 'number' || !Number.isFinite(usdPerBtc) || usdPerBtc <= 0) {
    throw new Error('exchange_rates: no positive "usd" rate to restate the others by');
  }
  const parsed: ParsedExchangeRates = { rates: [], rejected: [] };
  for (const [code, entry] of Object.entries(body.rates)) {
    if (code === 'usd') continue;
    const reject = (reason: string) => parsed.rejected.push({ code: code.slice(0, 20), reason });
    if (!CURRENCY_CODE.test(code)) {
      reject('not a currency code');
      continue;
    }
    if (!isObject(entry)) {
      reject('not an object');
      continue;
    }
    const { name, value, type } = entry;
    if (type !== 'fiat' && type !== 'commodity') {
      reject(`type ${String(type)} (crypto quotes come from this service's own prices)`);
      continue;
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      reject('value is not a positive number');
      continue;
    }
    if (typeof name !== 'string' || name.length === 0 || name.length > 100 || name.includes('\0')) {
      reject('name is not a short text');
      continue;
    }
    const rate = value / usdPerBtc;
    if (rate < 1e-6 || rate > 1e7) {
      reject(`rate ${rate} per US dollar is implausible`);
      continue;
    }
    parsed.rates.push({ code, name, kind: type, rate: String(Number(rate.toPrecision(8))) });
  }
  return parsed;
}
