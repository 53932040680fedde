// The unified schema of an asset record: what every provider's normaliser produces and what
// the assets table takes. Shared by ingestion (the provider contract) and cryptocurrencies (the
// upsert) so neither module reaches into the other for it.

/** What a source says about an asset; absent or null fields are not reported (and keep their stored value). */
export interface AssetRecord {
  symbol: string;
  name: string;
  source: string;
  slug?: string | null;
  coingeckoId?: string | null;
  coinmarketcapId?: number | null;
  coinpaprikaId?: string | null;
  marketCapRank?: number | null;
  currentPrice?: number | null;
  marketCap?: number | null;
  fullyDilutedValuation?: number | null;
  totalVolume?: number | null;
  high24h?: number | null;
  low24h?: number | null;
  priceChange24h?: number | null;
  priceChangePercentage1h?: number | null;
  priceChangePercentage24h?: number | null;
  priceChangePercentage7d?: number | null;
  priceChangePercentage30d?: number | null;
  circulatingSupply?: number | null;
  totalSupply?: number | null;
  maxSupply?: number | null;
  ath?: number | null;
  athDate?: Date | null;
  atl?: number | null;
  atlDate?: Date | null;
  imageUrl?: string | null;
  description?: string | null;
  website?: string | null;
  lastUpdated?: Date | null;
}
