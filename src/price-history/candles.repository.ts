import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { pgBooleans, pgDecimals, pgEpochMillis, pgNumbers, pgTexts } from '../database/pg-arrays';
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
}

const UPSERT_CANDLES_SQL = `
  WITH written AS (
    INSERT INTO candles (asset_id, open_time, source, open, high, low, close, volume, quote_volume, trade_count, vwap, is_closed)
    SELECT a, to_timestamp(t / 1000.0), s, o, h, l, c, v, qv, tc, qv / NULLIF(v, 0), ic
    FROM UNNEST($1::integer[], $2::float8[], $3::varchar[], $4::numeric[], $5::numeric[], $6::numeric[],
                $7::numeric[], $8::numeric[], $9::numeric[], $10::integer[], $11::boolean[])
         AS u(a, t, s, o, h, l, c, v, qv, tc, ic)
    ON CONFLICT (asset_id, open_time, source) DO UPDATE SET
      open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low, close = EXCLUDED.close,
      volume = EXCLUDED.volume, quote_volume = EXCLUDED.quote_volume, trade_count = EXCLUDED.trade_count,
      vwap = EXCLUDED.vwap, is_closed = EXCLUDED.is_closed
    WHERE (candles.open, candles.high, candles.low, candles.close, candles.volume, candles.quote_volume,
           candles.trade_count, candles.vwap, candles.is_closed)
      IS DISTINCT FROM (EXCLUDED.open, EXCLUDED.high, EXCLUDED.low, EXCLUDED.close, EXCLUDED.volume,
           EXCLUDED.quote_volume, EXCLUDED.trade_count, EXCLUDED.vwap, EXCLUDED.is_closed)
    RETURNING (xmax = 0) AS inserted
  )
  SELECT count(*) FILTER (WHERE inserted) AS created, count(*) FILTER (WHERE NOT inserted) AS updated FROM written`;

/**
 * Re-derives roll-up buckets of one width from finer rows in [$2, $3). A bucket is closed
 * once its end has passed and every row in it is closed.
 */
function rollupSql(from: 'candles' | '1h', to: '1h' | '1d'): string {
  const width = to === '1h' ? '1 hour' : '1 day';
  const source =
    from === 'candles' ? 'candles' : `(SELECT * FROM candle_rollups WHERE timeframe = '1h') AS c`;
  return `
    INSERT INTO candle_rollups (asset_id, timeframe, open_time, source, open, high, low, close, volume, quote_volume, trade_count, is_closed)
    SELECT asset_id, '${to}', bucket, source,
           (array_agg(open ORDER BY open_time))[1], max(high), min(low),
           (array_agg(close ORDER BY open_time DESC))[1], sum(volume), sum(quote_volume), sum(trade_count),
           bool_and(is_closed) AND bucket + interval '${width}' <= now()
    FROM (SELECT *, date_bin('${width}', open_time, '${BUCKET_ORIGIN.toISOString()}') AS bucket FROM ${source}
          WHERE asset_id = ANY($1::integer[]) AND open_time >= date_bin('${width}', $2::timestamptz, '${BUCKET_ORIGIN.toISOString()}')
            AND open_time < $3::timestamptz) AS rows
    GROUP BY asset_id, source, bucket
    ON CONFLICT (asset_id, timeframe, open_time, source) DO UPDATE SET
      open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low, close = EXCLUDED.close,
      volume = EXCLUDED.volume, quote_volume = EXCLUDED.quote_volume, trade_count = EXCLUDED.trade_count,
      is_closed = EXCLUDED.is_closed`;
}

/** The rows buckets of a timeframe are rolled up from, as a FROM item. */
function inputTableOf(timeframe: Timeframe): string {
  const input = candleSourceOf(timeframe);
  return input.table === 'candles'
    ? 'candles'
    : `(SELECT * FROM candle_rollups WHERE timeframe = '${input.timeframe}') AS r`;
}

const ROLLUP_1H_SQL = rollupSql('candles', '1h');
const ROLLUP_1D_SQL = rollupSql('1h', '1d');
const DAY_MS = 86_400_000;

@Injectable()
export class CandlesRepository {
  constructor(private readonly dataSource: DataSource) {}

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
      await this.lockAssets(assetIds, m);
      const [counts] = await m.query<{ created: string; updated: string }[]>(UPSERT_CANDLES_SQL, [
        pgNumbers(rows.map((r) => r.assetId)),
        pgEpochMillis(rows.map((r) => r.openTime)),
        pgTexts(rows.map((r) => r.source)),
        pgDecimals(rows.map((r) => r.open)),
        pgDecimals(rows.map((r) => r.high)),
        pgDecimals(rows.map((r) => r.low)),
        pgDecimals(rows.map((r) => r.close)),
        pgDecimals(rows.map((r) => r.volume)),
        pgDecimals(rows.map((r) => r.quoteVolume)),
        pgNumbers(rows.map((r) => r.tradeCount ?? 0)),
        pgBooleans(rows.map((r) => r.isClosed ?? true)),
      ]);
      let first = Infinity;
      let last = -Infinity;
      for (const row of rows) {
        const time = row.openTime.getTime();
        if (time < first) first = time;
        if (time > last) last = time;
      }
      await this.refreshRollups(assetIds, new Date(first), new Date(last + 1), m);
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

  /** The source feeding an asset's candles now (the one with the newest candle). */
  async latestSource(assetId: number): Promise<string | null> {
    const rows = await this.dataSource.query<{ source: string }[]>(
      'SELECT source FROM candles WHERE asset_id = $1 ORDER BY open_time DESC LIMIT 1',
      [assetId],
    );
    return rows[0]?.source ?? null;
  }

  /**
   * OHLCV buckets of `timeframe` with open time in [from, to), oldest first: first open,
   * highest high, lowest low, last close, summed volume and trades.
   */
  async rollUp(
    assetId: number,
    source: string,
    timeframe: Timeframe,
    from: Date,
    to: Date,
  ): Promise<CandleRow[]> {
    const origin = BUCKET_ORIGIN.toISOString();
    const width = `${TIMEFRAME_MS[timeframe] / 60_000} minutes`;
    const table = inputTableOf(timeframe);
    return this.dataSource.query<CandleRow[]>(
      `SELECT bucket AS open_time,
              (array_agg(open ORDER BY open_time))[1] AS open, max(high) AS high, min(low) AS low,
              (array_agg(close ORDER BY open_time DESC))[1] AS close,
              sum(volume) AS volume, sum(trade_count) AS trade_count,
              bool_and(is_closed) AND bucket + $5::interval <= now() AS is_closed
       FROM (SELECT *, date_bin($5::interval, open_time, '${origin}') AS bucket FROM ${table}
             WHERE asset_id = $1 AND source = $2 AND open_time >= $3 AND open_time < $4) AS rows
       GROUP BY bucket
       ORDER BY bucket`,
      [assetId, source, from, to, width],
    );
  }

  /**
   * Open time of the first stored row in [from, to) that buckets of `timeframe` are rolled up
   * from, or null: where the next bucket with data starts, to step over a stretch without any.
   */
  async firstOpenTime(
    assetId: number,
    source: string,
    timeframe: Timeframe,
    from: Date,
    to: Date,
  ): Promise<Date | null> {
    const rows = await this.dataSource.query<{ open_time: Date }[]>(
      `SELECT open_time FROM ${inputTableOf(timeframe)}
       WHERE asset_id = $1 AND source = $2 AND open_time >= $3 AND open_time < $4
       ORDER BY open_time LIMIT 1`,
      [assetId, source, from, to],
    );
    return rows[0] ? new Date(rows[0].open_time) : null;
  }

  /** Close (as stored) of the last 1-minute candle before `time`, to carry prices across gaps. */
  async closeBefore(assetId: number, source: string, time: Date): Promise<string | null> {
    const rows = await this.dataSource.query<{ close: string }[]>(
      'SELECT close FROM candles WHERE asset_id = $1 AND source = $2 AND open_time < $3 ORDER BY open_time DESC LIMIT 1',
      [assetId, source, time],
    );
    return rows[0]?.close ?? null;
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
