// Shared by the listing providers (CoinGecko, CoinPaprika, CoinMarketCap): shape checks that
// turn schema drift into counted, skipped records, symbol validation, one asset per symbol
// (the highest-ranked provider entry wins), the checks every record must pass
// (record-checks.ts), and the snapshot of each asset.
import { SYMBOL_PATTERN } from '../../common/pipes/parse-symbol.pipe';
import type { NormalisedBatch, NormalisedAsset } from './market-data-provider';
import { assetProblems, safeImageUrl } from './record-checks';

export type JsonType = 'string' | 'number' | 'object';
type Record_ = Record<string, unknown>;

export const num = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;
export const str = (value: unknown): string | null =>
  typeof value === 'string' && value.length > 0 ? value : null;
export const date = (value: unknown): Date | null => {
  const text = str(value);
  const parsed = text ? new Date(text) : null;
  return parsed && !Number.isNaN(parsed.getTime()) ? parsed : null;
};

const splitPaths = new Map<string, readonly string[]>();

/** Reads `a.b.c` from nested objects; undefined when any step is missing. */
export function at(record: unknown, path: string): unknown {
  let keys = splitPaths.get(path);
  if (!keys) splitPaths.set(path, (keys = path.split('.')));
  let value = record;
  for (const key of keys) {
    value = value !== null && typeof value === 'object' ? (value as Record_)[key] : undefined;
  }
  return value;
}

const NO_PROBLEMS: readonly string[] = Object.freeze([]);

/**
 * How a record departs from the documented shape (missing or retyped fields). Runs for
 * every record of every page (a kline catch-up checks millions), so it allocates nothing
 * for a well-shaped one.
 */
export function shapeProblems(
  record: unknown,
  expected: Record<string, JsonType>,
): readonly string[] {
  let problems: string[] | undefined;
  for (const path in expected) {
    const value = at(record, path);
    if (value === undefined) (problems ??= []).push(`field ${path} is missing`);
    else if (value !== null && typeof value !== expected[path])
      (problems ??= []).push(`field ${path} is ${typeof value}, expected ${expected[path]}`);
  }
  return problems ?? NO_PROBLEMS;
}

/**
 * Normalises a listing, best-ranked first. `toAsset` maps one well-shaped record, returning
 * the reason when it cannot be used; `label` names the record in rejections.
 */
export function normaliseListing(
  items: unknown[],
  expected: Record<string, JsonType>,
  fetchedAt: Date,
  toAsset: (record: Record_) => NormalisedAsset | string,
  label: (record: Record_) => string,
): NormalisedBatch {
  const batch: NormalisedBatch = { assets: [], snapshots: [], rejected: [], drift: [] };
  const drift = new Map<string, number>();
  const owners = new Map<string, string>();
  items.forEach((item, index) => {
    const where = `item ${index}`;
    const problems =
      typeof item === 'object' && item !== null ? shapeProblems(item, expected) : ['not an object'];
    if (problems.length > 0) {
      for (const problem of problems) drift.set(problem, (drift.get(problem) ?? 0) + 1);
      batch.rejected.push({ at: where, reason: `schema drift: ${problems.join('; ')}` });
      return;
    }
    const record = item as Record_;
    const asset = toAsset(record);
    if (typeof asset === 'string') return void batch.rejected.push({ at: where, reason: asset });
    if (!SYMBOL_PATTERN.test(asset.symbol)) {
      return void batch.rejected.push({
        at: where,
        reason: `symbol '${asset.symbol}' is not usable`,
      });
    }
    if (asset.currentPrice === null || asset.currentPrice === undefined) {
      return void batch.rejected.push({ at: where, reason: `${label(record)} has no price` });
    }
    const invalid = assetProblems(asset, fetchedAt);
    if (invalid.length > 0) {
      return void batch.rejected.push({
        at: where,
        reason: `${label(record)}: ${invalid.join('; ')}`,
      });
    }
    asset.imageUrl = safeImageUrl(asset.imageUrl);
    const owner = owners.get(asset.symbol);
    if (owner) {
      return void batch.rejected.push({
        at: where,
        reason: `${asset.symbol} already belongs to ${owner}, which ranks higher`,
      });
    }
    owners.set(asset.symbol, label(record));
    batch.assets.push(asset);
    batch.snapshots.push({
      symbol: asset.symbol,
      timestamp: asset.lastUpdated ?? fetchedAt,
      price: asset.currentPrice,
      marketCap: asset.marketCap ?? null,
      totalVolume: asset.totalVolume ?? null,
    });
  });
  batch.drift = [...drift].map(([problem, count]) => `${problem} (${count} records)`);
  return batch;
}
