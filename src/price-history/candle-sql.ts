// The SQL behind CandlesRepository: bulk upserts of 1-minute and direct candles, the
// roll-ups derived from them, and the precedence that picks one candle per bucket on read.
import { pgBooleans, pgDecimals, pgEpochMillis, pgNumbers, pgTexts } from '../database/pg-arrays';
import type { CandleWrite } from './candles.repository';
import { BUCKET_ORIGIN } from './timeframe';

const ORIGIN = `'${BUCKET_ORIGIN.toISOString()}'`;

/**
 * Sources by rank when several have a candle for the same bucket (lower first): an
 * exchange's own trades and klines, then listing aggregators, then files imported by an
 * operator, then the history bundled with the service. Unknown names (imports with a
 * `--source` of their own) rank with the files.
 */
export const SOURCE_RANKS: Readonly<Record<string, number>> = {
  binance: 0,
  simulator: 0,
  coingecko: 1,
  coinmarketcap: 1,
  coinpaprika: 1,
  csv: 2,
  bundled: 3,
};
const FILE_RANK = 2;

const sourceRank = (column: string): string =>
  `CASE ${column} ${Object.entries(SOURCE_RANKS)
    .map(([name, rank]) => `WHEN '${name}' THEN ${rank}`)
    .join(' ')} ELSE ${FILE_RANK} END`;

/**
 * Candle precedence, as an ORDER BY tail over candle_rollups rows of one bucket: a complete
 * candle before a partial one (a roll-up missing inputs would show a wrong open and volume),
 * then the one built from finer data (so a roll-up of 1-minute candles is never replaced by
 * a daily candle of another source), then the source's rank, then its name (deterministic).
 */
export const ROLLUP_PRECEDENCE = `complete DESC, resolution ASC, ${sourceRank('source')}, source, origin DESC`;

/** 1-minute candles have one origin and one resolution: the source's rank decides. */
export const CANDLE_PRECEDENCE = `${sourceRank('source')}, source`;

const UNNEST_CANDLES = `
    FROM UNNEST($1::integer[], $2::float8[], $3::varchar[], $4::numeric[], $5::numeric[], $6::numeric[],
                $7::numeric[], $8::numeric[], $9::numeric[], $10::integer[], $11::boolean[])
         AS u(a, t, s, o, h, l, c, v, qv, tc, ic)`;

const CHANGED_ONLY = (table: string, extra = '') => `
    WHERE (${table}.open, ${table}.high, ${table}.low, ${table}.close, ${table}.volume, ${table}.quote_volume,
           ${table}.trade_count, ${table}.is_closed${extra ? `, ${table}.${extra}` : ''})
      IS DISTINCT FROM (EXCLUDED.open, EXCLUDED.high, EXCLUDED.low, EXCLUDED.close, EXCLUDED.volume,
           EXCLUDED.quote_volume, EXCLUDED.trade_count, EXCLUDED.is_closed${extra ? `, EXCLUDED.${extra}` : ''})`;

const COUNT_WRITTEN = `
    RETURNING (xmax = 0) AS inserted
  )
  SELECT count(*) FILTER (WHERE inserted) AS created, count(*) FILTER (WHERE NOT inserted) AS updated FROM written`;

const UPSERT_CANDLES = `
    INSERT INTO candles (asset_id, open_time, source, open, high, low, close, volume, quote_volume, trade_count, vwap, is_closed)
    SELECT a, to_timestamp(t / 1000.0), s, o, h, l, c, v, qv, tc, qv / NULLIF(v, 0), ic
    ${UNNEST_CANDLES}
    ON CONFLICT (asset_id, open_time, source) DO UPDATE SET
      open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low, close = EXCLUDED.close,
      volume = EXCLUDED.volume, quote_volume = EXCLUDED.quote_volume, trade_count = EXCLUDED.trade_count,
      vwap = EXCLUDED.vwap, is_closed = EXCLUDED.is_closed
    ${CHANGED_ONLY('candles', 'vwap')}`;

/**
 * `candles` is partitioned (migration 1797000000000), where RETURNING cannot read `xmax`:
 * a written row is new when the statement's snapshot, taken before the insert, lacks it
 * (an index lookup per written row).
 */
export const UPSERT_CANDLES_SQL = `
  WITH written AS (${UPSERT_CANDLES}
    RETURNING asset_id, open_time, source
  )
  SELECT count(*) FILTER (WHERE fresh) AS created, count(*) FILTER (WHERE NOT fresh) AS updated
  FROM (SELECT NOT EXISTS (SELECT 1 FROM candles c
                           WHERE (c.asset_id, c.open_time, c.source) = (w.asset_id, w.open_time, w.source))
               AS fresh
        FROM written w) AS rows`;

/**
 * The same upsert when no candle of the batch's assets lies in its time span (imports and
 * backfills of new history): every written row is new, and the lookups are saved.
 */
export const INSERT_NEW_CANDLES_SQL = `
  WITH written AS (${UPSERT_CANDLES}
    RETURNING 1
  )
  SELECT count(*) AS created, 0 AS updated FROM written`;

/** $1 asset ids, $2/$3 the batch's first and last open time. */
export const ANY_CANDLE_IN_SPAN_SQL = `
  SELECT EXISTS (SELECT 1 FROM candles WHERE asset_id = ANY ($1::integer[])
                   AND open_time BETWEEN $2 AND $3) AS found`;

/**
 * Hourly or daily candles as a source delivered them ($12: '1h' or '1d', $13: the width in
 * seconds): origin 'direct', complete, beside any roll-up of the same bucket.
 */
export const UPSERT_DIRECT_SQL = `
  WITH written AS (
    INSERT INTO candle_rollups (asset_id, timeframe, open_time, source, origin, resolution, complete,
                                open, high, low, close, volume, quote_volume, trade_count, is_closed)
    SELECT a, $12::varchar, to_timestamp(t / 1000.0), s, 'direct', $13::integer, true, o, h, l, c, v, qv, tc, ic
    ${UNNEST_CANDLES}
    ON CONFLICT (asset_id, timeframe, open_time, source, origin) DO UPDATE SET
      open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low, close = EXCLUDED.close,
      volume = EXCLUDED.volume, quote_volume = EXCLUDED.quote_volume, trade_count = EXCLUDED.trade_count,
      is_closed = EXCLUDED.is_closed
    ${CHANGED_ONLY('candle_rollups')}
    ${COUNT_WRITTEN}`;

/**
 * Re-derives the roll-ups of one width from finer rows of the same source in [$2, $3).
 * Hourly from 1-minute candles; daily from the best hourly candle of each hour (a roll-up
 * or a direct kline, by ROLLUP_PRECEDENCE within the source). A bucket is closed once its
 * end has passed and every row in it is closed; complete when no input is missing (for an
 * open bucket: up to the last whole input width before now).
 */
function rollupSql(to: '1h' | '1d'): string {
  const width = to === '1h' ? '1 hour' : '1 day';
  const inputs = to === '1h' ? 60 : 24;
  const inputWidth = to === '1h' ? '1 minute' : '1 hour';
  const rows =
    to === '1h'
      ? `SELECT asset_id, open_time, source, open, high, low, close, volume, quote_volume, trade_count,
                is_closed, 60 AS resolution, true AS complete
         FROM candles`
      : `SELECT DISTINCT ON (asset_id, source, open_time) *
         FROM candle_rollups WHERE timeframe = '1h'`;
  const order = to === '1h' ? '' : `ORDER BY asset_id, source, open_time, ${ROLLUP_PRECEDENCE}`;
  return `
    INSERT INTO candle_rollups (asset_id, timeframe, open_time, source, origin, resolution, complete,
                                open, high, low, close, volume, quote_volume, trade_count, is_closed)
    SELECT asset_id, '${to}', bucket, source, 'rollup', max(resolution),
           bool_and(complete) AND count(*) >= LEAST(${inputs},
             floor(extract(epoch FROM LEAST(now(), bucket + interval '${width}') - bucket)
                   / extract(epoch FROM interval '${inputWidth}'))),
           (array_agg(open ORDER BY open_time))[1], max(high), min(low),
           (array_agg(close ORDER BY open_time DESC))[1], sum(volume), sum(quote_volume), sum(trade_count),
           bool_and(is_closed) AND bucket + interval '${width}' <= now()
    FROM (SELECT *, date_bin('${width}', open_time, ${ORIGIN}) AS bucket
          FROM (${rows}
                ${to === '1h' ? 'WHERE' : 'AND'} asset_id = ANY($1::integer[])
                  AND open_time >= date_bin('${width}', $2::timestamptz, ${ORIGIN})
                  AND open_time < $3::timestamptz
                ${order}) AS inputs) AS rows
    GROUP BY asset_id, source, bucket
    ON CONFLICT (asset_id, timeframe, open_time, source, origin) DO UPDATE SET
      open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low, close = EXCLUDED.close,
      volume = EXCLUDED.volume, quote_volume = EXCLUDED.quote_volume, trade_count = EXCLUDED.trade_count,
      is_closed = EXCLUDED.is_closed, resolution = EXCLUDED.resolution, complete = EXCLUDED.complete`;
}

export const ROLLUP_1H_SQL = rollupSql('1h');
export const ROLLUP_1D_SQL = rollupSql('1d');

/**
 * The rows a read aggregates, one per stored bucket chosen by precedence: 1-minute candles,
 * or hourly/daily candles of either origin. $1 asset, $2 source (null: any), $3/$4 range.
 */
export function bestRowsSql(table: 'candles' | '1h' | '1d', order: 'ASC' | 'DESC' = 'ASC'): string {
  const from =
    table === 'candles'
      ? `candles WHERE asset_id = $1`
      : `candle_rollups WHERE asset_id = $1 AND timeframe = '${table}'`;
  const precedence = table === 'candles' ? CANDLE_PRECEDENCE : ROLLUP_PRECEDENCE;
  return `SELECT DISTINCT ON (open_time) open_time, source, open, high, low, close, volume, trade_count, is_closed
          FROM ${from} AND ($2::varchar IS NULL OR source = $2)
            AND open_time >= $3 AND open_time < $4
          ORDER BY open_time ${order}, ${precedence}`;
}

/** The UNNEST parameters ($1–$11) of a candle upsert. */
export function candleParams(rows: readonly CandleWrite[]): unknown[] {
  return [
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
  ];
}

/** The first and last open time of a batch, epoch ms. */
export function timeSpan(rows: readonly CandleWrite[]): { first: number; last: number } {
  let first = Infinity;
  let last = -Infinity;
  for (const row of rows) {
    const time = row.openTime.getTime();
    if (time < first) first = time;
    if (time > last) last = time;
  }
  return { first, last };
}
