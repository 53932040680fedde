import type { CandleRow } from './candles.repository';
import { candlePages, snapshotPages } from './export-pages';
import type { SnapshotPageRow, SnapshotQuery, SnapshotCursor } from './price-snapshots.repository';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 10, 20);

function aCandle(time: number): CandleRow {
  return {
    open_time: new Date(time),
    open: '1',
    high: '1',
    low: '1',
    close: '1',
    volume: '0',
    trade_count: '0',
    is_closed: true,
  };
}

/** A candles repository over 1-minute rows at these times, recording its queries. */
function candlesAt(times: number[]) {
  const queries: { from: number; to: number }[] = [];
  const inRange = (from: Date, to: Date) =>
    times.filter((t) => t >= from.getTime() && t < to.getTime());
  return {
    queries,
    rollUp: (_asset: number, _source: string, _tf: string, from: Date, to: Date) => {
      queries.push({ from: from.getTime(), to: to.getTime() });
      return Promise.resolve(inRange(from, to).map(aCandle));
    },
    firstOpenTime: (_asset: number, _source: string, _tf: string, from: Date, to: Date) => {
      const [first] = inRange(from, to);
      return Promise.resolve(first === undefined ? null : new Date(first));
    },
  };
}

async function collect<T>(rows: AsyncIterable<T | T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const row of rows) {
    if (Array.isArray(row)) out.push(...row);
    else out.push(row);
  }
  return out;
}

describe(candlePages.name, () => {
  it('reads a range in consecutive windows of the page size, every bucket once, in order', async () => {
    const times = Array.from({ length: 25 }, (_, i) => T0 + i * MINUTE);
    const repository = candlesAt(times);

    const sut = await collect(
      candlePages(
        repository,
        { assetId: 1, source: 'binance', timeframe: '1m', from: T0, to: T0 + 25 * MINUTE },
        10,
      ),
    );

    expect(sut.map((row) => row.open_time.getTime())).toEqual(times);
    expect(repository.queries).toEqual([
      { from: T0, to: T0 + 10 * MINUTE },
      { from: T0 + 10 * MINUTE, to: T0 + 20 * MINUTE },
      { from: T0 + 20 * MINUTE, to: T0 + 25 * MINUTE },
    ]);
  });

  it('steps over a long stretch without data in one query, not one per window', async () => {
    const late = T0 + 1_000_000 * MINUTE;
    const repository = candlesAt([T0, T0 + MINUTE, late, late + MINUTE]);

    const sut = await collect(
      candlePages(
        repository,
        { assetId: 1, source: 'binance', timeframe: '1m', from: T0, to: late + 10 * MINUTE },
        10,
      ),
    );

    expect(sut.map((row) => row.open_time.getTime())).toEqual([
      T0,
      T0 + MINUTE,
      late,
      late + MINUTE,
    ]);
    expect(repository.queries).toEqual([
      { from: T0, to: T0 + 10 * MINUTE },
      { from: T0 + 10 * MINUTE, to: T0 + 20 * MINUTE },
      { from: late, to: late + 10 * MINUTE },
    ]);
  });

  it('reads nothing more once no row is left in the range', async () => {
    const repository = candlesAt([T0]);

    const sut = await collect(
      candlePages(
        repository,
        { assetId: 1, source: 'binance', timeframe: '1m', from: T0, to: T0 + 5_000 * MINUTE },
        10,
      ),
    );

    expect(sut).toHaveLength(1);
    expect(repository.queries).toHaveLength(2);
  });
});

describe(snapshotPages.name, () => {
  /** Snapshots at `count` instants from two sources, served in the repository's order. */
  function snapshotsOf(count: number) {
    const all: SnapshotPageRow[] = Array.from({ length: count }, (_, i) =>
      ['coingecko', 'csv'].map((source) => ({
        timestamp: new Date(T0 + i * MINUTE),
        position: new Date(T0 + i * MINUTE).toISOString(),
        source,
        price: String(100 + i),
        market_cap: null,
        total_volume: null,
        is_anomaly: false,
      })),
    ).flat();
    const queries: (SnapshotQuery & { after?: SnapshotCursor })[] = [];
    return {
      all,
      queries,
      findHistoryPage: (_asset: number, query: SnapshotQuery & { after?: SnapshotCursor }) => {
        queries.push(query);
        const { after } = query;
        const start = after
          ? all.findIndex((r) => r.position === after.position && r.source === after.source) + 1
          : 0;
        return Promise.resolve(all.slice(start, start + query.limit));
      },
    };
  }

  it('reads page after page after the last row read, each row once, in order', async () => {
    const repository = snapshotsOf(12);

    const sut = await collect(snapshotPages(repository, 1, { order: 'asc' }, Infinity, 5));

    expect(sut).toEqual(repository.all);
    // 24 rows in pages of 5: the fifth (4 rows) is short, so it is the last.
    expect(repository.queries.map((q) => [q.limit, q.after?.position, q.after?.source])).toEqual([
      [5, undefined, undefined],
      [5, new Date(T0 + 2 * MINUTE).toISOString(), 'coingecko'],
      [5, new Date(T0 + 4 * MINUTE).toISOString(), 'csv'],
      [5, new Date(T0 + 7 * MINUTE).toISOString(), 'coingecko'],
      [5, new Date(T0 + 9 * MINUTE).toISOString(), 'csv'],
    ]);
  });

  it('stops at `max` rows, asking the last page for no more than are left', async () => {
    const repository = snapshotsOf(12);

    const sut = await collect(snapshotPages(repository, 1, { order: 'asc' }, 7, 5));

    expect(sut).toEqual(repository.all.slice(0, 7));
    expect(repository.queries.map((q) => q.limit)).toEqual([5, 2]);
  });
});
