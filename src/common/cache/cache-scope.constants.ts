/**
 * What a cached GET response depends on, so ingestion can invalidate exactly that:
 * `symbol` — one asset's data (the `:symbol` path or `symbol` query parameter);
 * `listing` — data across assets (listings, tops, bulk exports).
 */
export type CacheScope = 'symbol' | 'listing';

export const CACHE_SCOPE = 'cma:cache-scope';
