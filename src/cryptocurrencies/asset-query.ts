// The read vocabulary of assets: sort fields, top categories, filters and pages, shared by the
// listing DTOs, the service and the repository.
import type { AssetEntity } from './entities/asset.entity';

export const ASSET_SORT_FIELDS = [
  'market_cap',
  'market_cap_rank',
  'current_price',
  'total_volume',
  'price_change_percentage_1h',
  'price_change_percentage_24h',
  'price_change_percentage_7d',
  'name',
  'symbol',
] as const;
export type AssetSortField = (typeof ASSET_SORT_FIELDS)[number];
export type SortOrder = 'asc' | 'desc';

export const TOP_CATEGORIES = ['market_cap', 'volume', 'gainers', 'losers'] as const;
export type TopCategory = (typeof TOP_CATEGORIES)[number];

export interface AssetFilter {
  /** Substring of the symbol or the name, case-insensitive. */
  search?: string;
  symbols?: string[];
  minMarketCap?: number;
  maxMarketCap?: number;
  minVolume?: number;
  minPrice?: number;
  maxPrice?: number;
  source?: string;
}

export interface AssetPage {
  rows: AssetEntity[];
  total: number;
}
