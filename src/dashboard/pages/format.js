// Number and time formatting shared by the dashboard pages: one rule per magnitude, so a
// column of prices lines up and a price keeps its decimals as it moves.

const currencyFormats = new Map();

/** ISO-style codes (USD, EUR, BTC) format as currencies; units such as SATS as "1,234 SATS". */
function currencyFormat(currency, options) {
  const key = `${currency}:${JSON.stringify(options)}`;
  let format = currencyFormats.get(key);
  if (!format) {
    if (/^[A-Z]{3}$/.test(currency)) {
      format = new Intl.NumberFormat('en-US', { style: 'currency', currency, ...options });
    } else {
      const number = new Intl.NumberFormat('en-US', options);
      format = { format: (value) => `${number.format(value)} ${currency}` };
    }
    currencyFormats.set(key, format);
  }
  return format;
}

/** Decimals by magnitude: 2 from 1 up, 4 from 0.01, else 4 significant digits. */
export function priceOptions(value) {
  const size = Math.abs(value);
  if (size >= 1) return { minimumFractionDigits: 2, maximumFractionDigits: 2 };
  if (size >= 0.01) return { minimumFractionDigits: 4, maximumFractionDigits: 4 };
  return { minimumSignificantDigits: 4, maximumSignificantDigits: 4 };
}

export function formatPrice(value, currency = 'USD') {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return currencyFormat(currency.toUpperCase(), priceOptions(value)).format(value);
}

/** Market caps and volumes: $1.93T, $48.21B. */
export function formatCompact(value, currency = 'USD') {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return currencyFormat(currency.toUpperCase(), {
    notation: 'compact',
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  }).format(value);
}

const plain = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Supplies and counts: 19,805,000. */
export function formatAmount(value) {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return plain.format(value);
}

/** +1.42 % / −0.86 % with a real minus sign; the class says which way it went. */
export function formatPercent(value) {
  if (value === null || value === undefined || !Number.isFinite(value)) {
    return { text: '—', className: 'flat' };
  }
  const rounded = Math.round(value * 100) / 100;
  const sign = rounded > 0 ? '+' : rounded < 0 ? '−' : '';
  return {
    text: `${sign}${Math.abs(rounded).toFixed(2)}%`,
    className: rounded > 0 ? 'up' : rounded < 0 ? 'down' : 'flat',
  };
}

/** How long ago, briefly: 42 s, 5 min, 3 h, 16 d. */
export function formatAge(ms) {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.round(hours / 24)} d`;
}

const dateTime = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'medium',
  timeStyle: 'short',
  timeZone: 'UTC',
});

export function formatDateTime(value) {
  if (!value) return '—';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? '—' : `${dateTime.format(date)} UTC`;
}
