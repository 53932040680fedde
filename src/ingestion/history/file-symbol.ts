import { SYMBOL_PATTERN } from '../../common/pipes/parse-symbol.pipe';

/** Quote currencies a pair's file name may end with (`BTCUSDT-1d-2024-01.csv`). */
const QUOTES = /(USDT|USDC|BUSD|FDUSD|USD)$/;

/**
 * The asset a history file is about, from its name: `BTC.csv.gz`, `BTC-USD_1d.csv`,
 * `BTCUSDT-1h-2024-01.csv` → BTC. Null when the name says nothing usable.
 */
export function symbolFromFileName(path: string): string | null {
  const name = path.split(/[\\/]/).pop() ?? '';
  const head = /^[A-Za-z0-9]+/.exec(name)?.[0]?.toUpperCase();
  if (!head) return null;
  const base = head.length > 4 && QUOTES.test(head) ? head.replace(QUOTES, '') : head;
  return SYMBOL_PATTERN.test(base) ? base : null;
}
