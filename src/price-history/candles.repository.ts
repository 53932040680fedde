import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { TimePartitions } from '../database/time-partitions';
import {
  ANY_CANDLE_IN_SPAN_SQL,
  INSERT_NEW_CANDLES_SQL,
  ROLLUP_1D_SQL,
  ROLLUP_1H_SQL,
  UPSERT_CANDLES_SQL,
  UPSERT_DIRECT_SQL,
  bestRowsSql,
  candleParams,
  timeSpan,
} from './candle-sql';
import { BUCKET_ORIGIN, TIMEFRAME_MS, candleSourceOf, type Timeframe } from './timeframe';

/** A number, or a decimal string as a provider sent it (stored exactly as written). */
export type Decimal = number | string;

/**
 * A 1-minute candle as ingestion writes it. The volume-weighted average price is derived
 * in the database (quote volume / volume, exact in numeric; null without volume).
 */
export interface CandleWrite {
  assetId: number;
  openTime: Date;
  source: string;
  open: Decimal;
  high: Decimal;
  low: Decimal;
  close: Decimal;
  volume: Decimal;
  quoteVolume?: Decimal | null;
  tradeCount?: number;
  isClosed?: boolean;
}

/** A candle as read back (any timeframe); numeric columns come as strings. */
export interface CandleRow {
  open_time: Date;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
  trade_count: string | number;
  is_closed: boolean;
  vwap?: string | null;
  /** Where the candle came from; a bucket built from several sources lists them in time order. */
  source?: string;
}

const DAY_MS = 86_400_000;
/** Width of the rows each stored table holds. */
const STORED_WIDTH_MS = { candles: 60_000, '1h': 3_600_000, '1d': DAY_MS } as const;

@Injectable()
export class CandlesRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly partitions: TimePartitions,
  ) {}

  /**
   * Upserts 1-minute candles (one statement, whatever the row count) and refreshes the
   * hourly and daily roll-ups they touch. Pass the transaction's manager to make it part of
   * a larger unit of work. Returns how many rows were created and how many changed.
   */
  async upsert(
    rows: readonly CandleWrite[],
    manager?: EntityManager,
  ): Promise<{ created: number; updated: number }> {
    if (rows.length === 0) return { created: 0, updated: 0 };
    const assetIds = [...new Set(rows.map((r) => r.assetId))];
    const run = async (m: EntityManager) => {
      await this.partitions.ensure(
        'candles',
        rows.map((r) => r.openTime),
        m,
      );
      await this.lockAssets(assetIds, m);
      const { first, last } = timeSpan(rows);
      const [{ found }] = await m.query<{ found: boolean }[]>(ANY_CANDLE_IN_SPAN_SQL, [
        assetIds,
        new Date(first),
        new Date(last),
      ]);
      const [counts] = await m.query<{ created: string; updated: string }[]>(
        found ? UPSERT_CANDLES_SQL : INSERT_NEW_CANDLES_SQL,
        candleParams(rows),
      );
      await this.refreshRollups(assetIds, new Date(first), new Date(last + 1), m);
      return { created: Number(counts.created), updated: Number(counts.updated) };
    };
    return manager ? run(manager) : this.dataSource.transaction(run);
  }

  /**
   * Upserts hourly or daily candles as a source delivered them (Binance klines, CoinGecko
   * daily history, bundled and imported files): stored beside the roll-ups of the same
   * buckets, never over them (reads choose by precedence). Direct hourly candles also refresh
   * the daily roll-ups of their source.
   */
  async upsertDirect(
    timeframe: '1h' | '1d',
    rows: readonly CandleWrite[],
    manager?: EntityManager,
  ): Promise<{ created: number; updated: number }> {
    if (rows.length === 0) return { created: 0, updated: 0 };
    const assetIds = [...new Set(rows.map((r) => r.assetId))];
    const run = async (m: EntityManager) => {
      await this.lockAssets(assetIds, m);
      const [counts] = await m.query<{ created: string; updated: string }[]>(UPSERT_DIRECT_SQL, [
        ...candleParams(rows),
        timeframe,
        TIMEFRAME_MS[timeframe] / 1_000,
      ]);
      if (timeframe === '1h') {
        const { first, last } = timeSpan(rows);
        const dayEnd = new Date(Math.ceil((last + 1) / DAY_MS) * DAY_MS);
        await m.query(ROLLUP_1D_SQL, [assetIds, new Date(first), dayEnd]);
      }
      return { created: Number(counts.created), updated: Number(counts.updated) };
    };
    return manager ? run(manager) : this.dataSource.transaction(run);
  }

  /**
   * What a foreign key would check per row, once per asset (candles have none, for bulk
   * speed): the assets exist, and stay until the transaction ends.
   */
  private async lockAssets(assetIds: number[], manager: EntityManager): Promise<void> {
    const found = await manager.query<{ id: number }[]>(
      'SELECT id FROM assets WHERE id = ANY($1::integer[]) FOR KEY SHARE',
      [assetIds],
    );
    if (found.length === assetIds.length) return;
    const known = new Set(found.map((row) => row.id));
    const missing = assetIds.filter((id) => !known.has(id));
    throw new Error(`candles refer to unknown asset ids: ${missing.join(', ')}`);
  }

  /** Rebuilds the hourly and daily roll-ups covering [from, to) for these assets. */
  async refreshRollups(
    assetIds: number[],
    from: Date,
    to: Date,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    const hourEnd = new Date(Math.ceil(to.getTime() / 3_600_000) * 3_600_000);
    await manager.query(ROLLUP_1H_SQL, [assetIds, from, hourEnd]);
    const dayEnd = new Date(Math.ceil(to.getTime() / DAY_MS) * DAY_MS);
    await manager.query(ROLLUP_1D_SQL, [assetIds, from, dayEnd]);
  }

  /**
   * OHLCV buckets of `timeframe` with open time in [from, to), oldest first: first open,
   * highest high, lowest low, last close, summed volume and trades, over the stored rows
   * chosen one per bucket by precedence (of `source` only, when given). Each bucket names
   * its sources in time order.
   */
  async rollUp(
    assetId: number,
    source: string | null,
    timeframe: Timeframe,
    from: Date,
    to: Date,
  ): Promise<CandleRow[]> {
    const table = storedTable(timeframe);
    if (TIMEFRAME_MS[timeframe] === STORED_WIDTH_MS[table]) {
      // One stored row a bucket: the chosen rows are the buckets, nothing to aggregate.
      return this.dataSource.query<CandleRow[]>(
        `SELECT open_time, source, open, high, low, close, volume, trade_count,
                is_closed AND open_time + $5::interval <= now() AS is_closed
         FROM (${bestRowsSql(table)}) AS best
         ORDER BY open_time`,
        [assetId, source, from, to, `${TIMEFRAME_MS[timeframe] / 60_000} minutes`],
      );
    }
    const origin = BUCKET_ORIGIN.toISOString();
    const width = `${TIMEFRAME_MS[timeframe] / 60_000} minutes`;
    const rows = await this.dataSource.query<(CandleRow & { sources: string[] })[]>(
      `SELECT bucket AS open_time,
              (array_agg(open ORDER BY open_time))[1] AS open, max(high) AS high, min(low) AS low,
              (array_agg(close ORDER BY open_time DESC))[1] AS close,
              sum(volume) AS volume, sum(trade_count) AS trade_count,
              bool_and(is_closed) AND bucket + $5::interval <= now() AS is_closed,
              array_agg(source ORDER BY open_time) AS sources
       FROM (SELECT *, date_bin($5::interval, open_time, '${origin}') AS bucket
             FROM (${bestRowsSql(table)}) AS best) AS rows
       GROUP BY bucket
       ORDER BY bucket`,
      [assetId, source, from, to, width],
    );
    return rows.map(({ sources, ...row }) => ({ ...row, source: namesInOrder(sources) }));
  }

  /**
   * Open time of the first stored row in [from, to) that buckets of `timeframe` are rolled up
   * from (of `source` only, when given), or null: where the next bucket with data starts, to
   * step over a stretch without any.
   */
  async firstOpenTime(
    assetId: number,
    source: string | null,
    timeframe: Timeframe,
    from: Date,
    to: Date,
  ): Promise<Date | null> {
    const table = storedTable(timeframe);
    const rows = await this.dataSource.query<{ open_time: Date }[]>(
      `SELECT open_time FROM ${table === 'candles' ? 'candles' : 'candle_rollups'}
       WHERE asset_id = $1 AND ($2::varchar IS NULL OR source = $2)
         AND open_time >= $3 AND open_time < $4
         ${table === 'candles' ? '' : `AND timeframe = '${table}'`}
       ORDER BY open_time LIMIT 1`,
      [assetId, source, from, to],
    );
    return rows[0] ? new Date(rows[0].open_time) : null;
  }

  /**
   * Close (as stored) of the last stored candle of the timeframe's table before `time`, to
   * carry prices across gaps.
   */
  async closeBefore(
    assetId: number,
    source: string | null,
    timeframe: Timeframe,
    time: Date,
  ): Promise<string | null> {
    const rows = await this.dataSource.query<{ close: string }[]>(
      `${bestRowsSql(storedTable(timeframe), 'DESC')} LIMIT 1`,
      [assetId, source, new Date(0), time],
    );
    return rows[0]?.close ?? null;
  }

  /** Open time of the newest stored candle the timeframe reads (any source), if any. */
  async latestOpenTime(assetId: number, timeframe: Timeframe): Promise<Date | null> {
    const table = storedTable(timeframe);
    const rows = await this.dataSource.query<{ latest: Date | null }[]>(
      table === 'candles'
        ? 'SELECT max(open_time) AS latest FROM candles WHERE asset_id = $1'
        : 'SELECT max(open_time) AS latest FROM candle_rollups WHERE asset_id = $1 AND timeframe = $2',
      table === 'candles' ? [assetId] : [assetId, table],
    );
    return rows[0]?.latest ? new Date(rows[0].latest) : null;
  }

  /** The newest 1-minute candle of an asset (any source). */
  async findLatest(assetId: number): Promise<(CandleRow & { source: string }) | null> {
    const rows = await this.dataSource.query<(CandleRow & { source: string })[]>(
      `SELECT open_time, source, open, high, low, close, volume, trade_count, vwap, is_closed
       FROM candles WHERE asset_id = $1 ORDER BY open_time DESC LIMIT 1`,
      [assetId],
    );
    return rows[0] ?? null;
  }

  /** 1-minute candles in a time range, newest or oldest first, with the total count. */
  async findRange(
    assetId: number,
    range: { from?: Date; to?: Date; limit: number; offset: number; order: 'asc' | 'desc' },
  ): Promise<{ rows: (CandleRow & { source: string })[]; total: number }> {
    const direction = range.order === 'asc' ? 'ASC' : 'DESC';
    const where = `asset_id = $1 AND ($2::timestamptz IS NULL OR open_time >= $2) AND ($3::timestamptz IS NULL OR open_time <= $3)`;
    const params = [assetId, range.from ?? null, range.to ?? null];
    const rows = await this.dataSource.query<(CandleRow & { source: string })[]>(
      `SELECT open_time, source, open, high, low, close, volume, trade_count, vwap, is_closed
       FROM candles WHERE ${where} ORDER BY open_time ${direction} OFFSET $4 LIMIT $5`,
      [...params, range.offset, range.limit],
    );
    const count = await this.dataSource.query<{ total: string }[]>(
      `SELECT count(*) AS total FROM candles WHERE ${where}`,
      params,
    );
    return { rows, total: Number(count[0].total) };
  }
}

/** The distinct names of a bucket's rows, in time order, comma-joined (usually one name). */
function namesInOrder(names: string[]): string {
  const first = names[0] ?? '';
  return names.every((name) => name === first) ? first : [...new Set(names)].join(',');
}

/** The stored rows a timeframe is aggregated from. */
function storedTable(timeframe: Timeframe): 'candles' | '1h' | '1d' {
  const input = candleSourceOf(timeframe);
  return input.table === 'candles' ? 'candles' : input.timeframe;
}
