// Which quote currencies exist and where each one's rates come from.

/** A quote currency a route may answer in. */
export interface QuoteCurrency {
  /** Lower case, as CoinGecko writes it: `usd`, `eur`, `btc`, `sats`. */
  code: string;
  kind: 'usd' | 'fiat' | 'crypto';
  /** As CoinGecko's /exchange_rates types it. */
  type: 'fiat' | 'commodity' | 'crypto';
  name: string;
  /** Crypto quotes: the asset whose USD price gives the rate, and units per coin. */
  asset?: CryptoQuoteAsset;
}

export interface CryptoQuoteAsset {
  symbol: string;
  unit: number;
  name: string;
}

/**
 * Crypto quote currencies CoinGecko offers, priced from this service's own candles: a dollar
 * is `unit / price` of the asset. Offered when the asset is listed here.
 */
export const CRYPTO_QUOTES: Readonly<Record<string, CryptoQuoteAsset>> = {
  btc: { symbol: 'BTC', unit: 1, name: 'Bitcoin' },
  eth: { symbol: 'ETH', unit: 1, name: 'Ether' },
  ltc: { symbol: 'LTC', unit: 1, name: 'Litecoin' },
  bch: { symbol: 'BCH', unit: 1, name: 'Bitcoin Cash' },
  bnb: { symbol: 'BNB', unit: 1, name: 'Binance Coin' },
  eos: { symbol: 'EOS', unit: 1, name: 'EOS' },
  xrp: { symbol: 'XRP', unit: 1, name: 'XRP' },
  xlm: { symbol: 'XLM', unit: 1, name: 'Lumens' },
  link: { symbol: 'LINK', unit: 1, name: 'Chainlink' },
  dot: { symbol: 'DOT', unit: 1, name: 'Polkadot' },
  yfi: { symbol: 'YFI', unit: 1, name: 'Yearn.finance' },
  sol: { symbol: 'SOL', unit: 1, name: 'Solana' },
  bits: { symbol: 'BTC', unit: 1_000_000, name: 'Bits' },
  sats: { symbol: 'BTC', unit: 100_000_000, name: 'Satoshi' },
};

export const USD: QuoteCurrency = { code: 'usd', kind: 'usd', type: 'fiat', name: 'US Dollar' };

/** How a currency code is written on the wire (validated before any lookup). */
export const CURRENCY_CODE = /^[a-z]{2,10}$/;
