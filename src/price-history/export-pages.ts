// Reading a range of any length a page at a time, for exports: at most one page of rows is
// held at once, and each query costs the same however far into the range it reads.
import type { CandleRow, CandlesRepository } from './candles.repository';
import type {
  PriceSnapshotsRepository,
  SnapshotPageRow,
  SnapshotQuery,
} from './price-snapshots.repository';
import { TIMEFRAME_MS, bucketStart, type Timeframe } from './timeframe';

/** Rows (or buckets) per query. */
export const EXPORT_PAGE_SIZE = 5_000;

export interface BucketRange {
  assetId: number;
  /** One source's candles, or null: every source's, one per stored bucket by precedence. */
  source: string | null;
  timeframe: Timeframe;
  /** First bucket's open time, epoch ms (aligned). */
  from: number;
  /** End of the last bucket (exclusive), epoch ms (aligned). */
  to: number;
}

/**
 * The buckets of a range that have data, oldest first, rolled up a window of `pageSize`
 * buckets at a time (so no query returns more than `pageSize` rows), one non-empty page per
 * query. Keyed on open time: a window without data is followed by one query for the next
 * stored row, so a long stretch without any costs one query, not one per window.
 */
export async function* candlePages(
  candles: Pick<CandlesRepository, 'rollUp' | 'firstOpenTime'>,
  range: BucketRange,
  pageSize = EXPORT_PAGE_SIZE,
): AsyncGenerator<CandleRow[]> {
  const { assetId, source, timeframe, to } = range;
  const width = TIMEFRAME_MS[timeframe];
  let cursor = range.from;
  while (cursor < to) {
    const windowEnd = Math.min(to, cursor + pageSize * width);
    const rows = await candles.rollUp(
      assetId,
      source,
      timeframe,
      new Date(cursor),
      new Date(windowEnd),
    );
    if (rows.length > 0) yield rows;
    cursor = windowEnd;
    if (rows.length === 0 && cursor < to) {
      const next = await candles.firstOpenTime(
        assetId,
        source,
        timeframe,
        new Date(cursor),
        new Date(to),
      );
      if (!next) return;
      cursor = bucketStart(next.getTime(), timeframe);
    }
  }
}

/**
 * Snapshots of a history query in its order, `pageSize` per query (keyset pagination after
 * the last row read), up to `max` rows.
 */
export async function* snapshotPages(
  snapshots: Pick<PriceSnapshotsRepository, 'findHistoryPage'>,
  assetId: number,
  query: Omit<SnapshotQuery, 'limit'>,
  max = Infinity,
  pageSize = EXPORT_PAGE_SIZE,
): AsyncGenerator<SnapshotPageRow> {
  let left = max;
  let after: SnapshotPageRow | undefined;
  while (left > 0) {
    const limit = Math.min(pageSize, left);
    const page = await snapshots.findHistoryPage(assetId, { ...query, limit, after });
    yield* page;
    if (page.length < limit) return;
    left -= page.length;
    after = page[page.length - 1];
  }
}
