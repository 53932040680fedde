// Names of well-known assets, for sources that only know a ticker (Binance pairs, the
// simulator). An asset created this way gets its other fields from the listing sources.

const NAMES: Record<string, string> = {
  BTC: 'Bitcoin',
  ETH: 'Ethereum',
  BNB: 'BNB',
  SOL: 'Solana',
  XRP: 'XRP',
  DOGE: 'Dogecoin',
  ADA: 'Cardano',
  TRX: 'TRON',
  AVAX: 'Avalanche',
  LINK: 'Chainlink',
  DOT: 'Polkadot',
  LTC: 'Litecoin',
  BCH: 'Bitcoin Cash',
  UNI: 'Uniswap',
  ATOM: 'Cosmos Hub',
  XLM: 'Stellar',
  NEAR: 'NEAR Protocol',
  FIL: 'Filecoin',
  APT: 'Aptos',
  ARB: 'Arbitrum',
};

/** The asset's usual name, or its symbol when we know no better. */
export function assetName(symbol: string): string {
  return NAMES[symbol] ?? symbol;
}
