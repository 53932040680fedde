// Which quote currencies exist and where each one's rates come from.

/** A quote currency a route may answer in. */
export interface QuoteCurrency {
  /** Lower case, as CoinGecko writes it: `usd`, `eur`, `btc`, `sats`. */
  code: string;
  kind: 'usd' | 'fiat' | 'crypto';
  /** Crypto quotes: the asset whose USD price gives the rate, and units per coin. */
  asset?: { symbol: string; unit: number };
}

/**
 * Crypto quote currencies CoinGecko offers, priced from this service's own candles: a dollar
 * is `unit / price` of the asset. Offered when the asset is listed here.
 */
export const CRYPTO_QUOTES: Readonly<Record<string, { symbol: string; unit: number }>> = {
  btc: { symbol: 'BTC', unit: 1 },
  eth: { symbol: 'ETH', unit: 1 },
  ltc: { symbol: 'LTC', unit: 1 },
  bch: { symbol: 'BCH', unit: 1 },
  bnb: { symbol: 'BNB', unit: 1 },
  eos: { symbol: 'EOS', unit: 1 },
  xrp: { symbol: 'XRP', unit: 1 },
  xlm: { symbol: 'XLM', unit: 1 },
  link: { symbol: 'LINK', unit: 1 },
  dot: { symbol: 'DOT', unit: 1 },
  yfi: { symbol: 'YFI', unit: 1 },
  sol: { symbol: 'SOL', unit: 1 },
  bits: { symbol: 'BTC', unit: 1_000_000 },
  sats: { symbol: 'BTC', unit: 100_000_000 },
};

export const USD: QuoteCurrency = { code: 'usd', kind: 'usd' };

/** How a currency code is written on the wire (validated before any lookup). */
export const CURRENCY_CODE = /^[a-z]{2,10}$/;
