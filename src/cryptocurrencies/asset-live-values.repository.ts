import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { pgDecimals, pgEpochMillis, pgNumbers } from '../database/pg-arrays';

/** A live source's newest price of an asset. */
export interface LiveTick {
  assetId: number;
  price: number | string;
  /** When the price was observed. */
  time: Date;
}

/** An asset's current values as a live tick left them. */
export interface LiveValues {
  assetId: number;
  symbol: string;
  price: number;
  /** 24 h change in percent; null without a reference price. */
  changePercentage24h: number | null;
  /** 24 h quote (USD) volume of the source's candles. */
  volume24h: number | null;
  marketCap: number | null;
  lastUpdated: Date;
}

/**
 * One statement for every ticked asset. The rolling 24 h figures come from the source's own
 * 1-minute candles in (time − 24 h, time]: high and low (including the tick), quote volume,
 * and the change against the close of the last candle at or before time − 24 h (or, when the
 * candles do not reach back that far, the open of the first one). A row already updated by a
 * newer observation is left alone.
 */
const APPLY_LIVE_SQL = `
  WITH tick AS (
    SELECT a AS asset_id, p AS price, to_timestamp(t / 1000.0) AS at
    FROM UNNEST($1::integer[], $2::numeric[], $3::float8[]) AS u(a, p, t)
  ), stats AS (
    SELECT tick.*, w.high, w.low, w.volume, COALESCE(ref.close, w.first_open) AS reference
    FROM tick
    CROSS JOIN LATERAL (
      SELECT max(high) AS high, min(low) AS low,
             sum(COALESCE(quote_volume, volume * close)) AS volume,
             (array_agg(open ORDER BY open_time))[1] AS first_open
      FROM candles
      WHERE asset_id = tick.asset_id AND source = $4
        AND open_time > tick.at - interval '24 hours' AND open_time <= tick.at) AS w
    LEFT JOIN LATERAL (
      SELECT close FROM candles
      WHERE asset_id = tick.asset_id AND source = $4 AND open_time <= tick.at - interval '24 hours'
      ORDER BY open_time DESC LIMIT 1) AS ref ON true
  )
  UPDATE assets AS a SET
    current_price = s.price,
    high_24h = GREATEST(s.high, s.price),
    low_24h = LEAST(s.low, s.price),
    total_volume = s.volume,
    price_change_24h = s.price - s.reference,
    price_change_percentage_24h =
      CASE WHEN s.reference > 0 THEN round((s.price - s.reference) / s.reference * 100, 8) END,
    market_cap = CASE WHEN a.circulating_supply > 0 THEN a.circulating_supply * s.price ELSE a.market_cap END,
    last_updated = s.at,
    source = $4,
    updated_at = now()
  FROM stats AS s
  WHERE a.id = s.asset_id AND (a.last_updated IS NULL OR a.last_updated <= s.at)
  RETURNING a.id, a.symbol, a.current_price, a.price_change_percentage_24h, a.total_volume, a.market_cap,
            a.last_updated`;

/**
 * The asset's current values as live sources (stream, simulator, kline catch-up) keep them,
 * beside the listing sources' upserts in AssetsRepository.
 */
@Injectable()
export class AssetLiveValuesRepository {
  /**
   * Sets price, rolling 24 h figures, `last_updated` and `source` of each ticked asset, unless
   * a newer observation already did. Returns the rows it changed, as they now are.
   */
  async apply(
    source: string,
    ticks: readonly LiveTick[],
    manager: EntityManager,
  ): Promise<LiveValues[]> {
    if (ticks.length === 0) return [];
    const [rows] = await manager.query<
      [
        {
          id: number;
          symbol: string;
          current_price: string;
          price_change_percentage_24h: string | null;
          total_volume: string | null;
          market_cap: string | null;
          last_updated: Date;
        }[],
        number,
      ]
    >(APPLY_LIVE_SQL, [
      pgNumbers(ticks.map((t) => t.assetId)),
      pgDecimals(ticks.map((t) => t.price)),
      pgEpochMillis(ticks.map((t) => t.time)),
      source,
    ]);
    return rows.map((r) => ({
      assetId: r.id,
      symbol: r.symbol,
      price: Number(r.current_price),
      changePercentage24h:
        r.price_change_percentage_24h === null ? null : Number(r.price_change_percentage_24h),
      volume24h: r.total_volume === null ? null : Number(r.total_volume),
      marketCap: r.market_cap === null ? null : Number(r.market_cap),
      lastUpdated: new Date(r.last_updated),
    }));
  }
}
