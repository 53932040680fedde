// The write side of assets: what a source says about an asset, and the one bulk upsert
// statement that merges it by source priority (AssetsRepository.upsert runs it).
import type { AssetRecord } from '../common/market/asset-record';

/** What ingestion writes about an asset; absent/null fields keep their stored value. */
export type AssetUpsert = AssetRecord;

export interface AssetUpsertResult {
  created: number;
  updated: number;
  unchanged: number;
  /** Asset id of every upserted symbol. */
  ids: Map<string, number>;
}

/** Column, PostgreSQL array type, and field of AssetUpsert, in insert order. */
export const UPSERT_COLUMNS: readonly (readonly [string, string, keyof AssetUpsert])[] = [
  ['symbol', 'varchar', 'symbol'],
  ['name', 'varchar', 'name'],
  ['source', 'varchar', 'source'],
  ['slug', 'varchar', 'slug'],
  ['coingecko_id', 'varchar', 'coingeckoId'],
  ['coinmarketcap_id', 'integer', 'coinmarketcapId'],
  ['coinpaprika_id', 'varchar', 'coinpaprikaId'],
  ['market_cap_rank', 'integer', 'marketCapRank'],
  ['current_price', 'numeric', 'currentPrice'],
  ['market_cap', 'numeric', 'marketCap'],
  ['fully_diluted_valuation', 'numeric', 'fullyDilutedValuation'],
  ['total_volume', 'numeric', 'totalVolume'],
  ['high_24h', 'numeric', 'high24h'],
  ['low_24h', 'numeric', 'low24h'],
  ['price_change_24h', 'numeric', 'priceChange24h'],
  ['price_change_percentage_1h', 'numeric', 'priceChangePercentage1h'],
  ['price_change_percentage_24h', 'numeric', 'priceChangePercentage24h'],
  ['price_change_percentage_7d', 'numeric', 'priceChangePercentage7d'],
  ['price_change_percentage_30d', 'numeric', 'priceChangePercentage30d'],
  ['circulating_supply', 'numeric', 'circulatingSupply'],
  ['total_supply', 'numeric', 'totalSupply'],
  ['max_supply', 'numeric', 'maxSupply'],
  ['ath', 'numeric', 'ath'],
  ['ath_date', 'timestamptz', 'athDate'],
  ['atl', 'numeric', 'atl'],
  ['atl_date', 'timestamptz', 'atlDate'],
  ['image_url', 'text', 'imageUrl'],
  ['description', 'text', 'description'],
  ['website', 'text', 'website'],
  ['last_updated', 'timestamptz', 'lastUpdated'],
];
const KEY_COLUMNS = new Set(['symbol']);
/** Ids of the asset at each provider: merged from every source, whatever its priority. */
const PROVIDER_ID_COLUMNS = new Set(['coingecko_id', 'coinmarketcap_id', 'coinpaprika_id']);
const PRIORITY_PARAM = `$${UPSERT_COLUMNS.length + 1}`;

/**
 * When sources disagree, the one earlier in INGESTION_PROVIDERS (the priority list) decides
 * the current values; a lower-priority source still fills values the asset lacks, and takes
 * over when the preferred source's data is over an hour older than its own.
 */
const INCOMING_WINS = `(
  COALESCE(array_position(${PRIORITY_PARAM}::text[], EXCLUDED.source::text), 1000)
    <= COALESCE(array_position(${PRIORITY_PARAM}::text[], assets.source::text), 1000)
  OR assets.last_updated IS NULL
  OR assets.last_updated < EXCLUDED.last_updated - interval '1 hour')`;

function buildUpsertSql(): string {
  const columns = UPSERT_COLUMNS.map(([column]) => column);
  const arrays = UPSERT_COLUMNS.map(([, type], i) => `$${i + 1}::${type}[]`);
  const mutable = columns.filter((c) => !KEY_COLUMNS.has(c));
  const merged = (c: string) =>
    PROVIDER_ID_COLUMNS.has(c)
      ? `COALESCE(EXCLUDED.${c}, assets.${c})`
      : `CASE WHEN ${INCOMING_WINS} THEN COALESCE(EXCLUDED.${c}, assets.${c}) ELSE COALESCE(assets.${c}, EXCLUDED.${c}) END`;
  return `
    INSERT INTO assets (${columns.join(', ')})
    SELECT * FROM UNNEST(${arrays.join(', ')})
    ON CONFLICT (symbol) DO UPDATE SET
      ${mutable.map((c) => `${c} = ${merged(c)}`).join(',\n      ')},
      is_active = true,
      updated_at = now()
    WHERE (${mutable.map((c) => `assets.${c}`).join(', ')})
      IS DISTINCT FROM (${mutable.map(merged).join(', ')})
    RETURNING id, symbol, (xmax = 0) AS inserted`;
}

export const UPSERT_SQL = buildUpsertSql();
