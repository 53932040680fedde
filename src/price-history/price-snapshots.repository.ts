import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { TimePartitions } from '../database/time-partitions';
import { pgEpochMillis, pgNumbers, pgTexts } from '../database/pg-arrays';

export interface SnapshotWrite {
  assetId: number;
  timestamp: Date;
  source: string;
  price: number;
  marketCap?: number | null;
  totalVolume?: number | null;
  /** Why the price is not trusted, when it is not. */
  anomaly?: string | null;
}

export interface SnapshotRow {
  timestamp: Date;
  source: string;
  price: string;
  market_cap: string | null;
  total_volume: string | null;
  is_anomaly: boolean;
}

/** A snapshot with its position in the history's order, to read the next page after it. */
export interface SnapshotPageRow extends SnapshotRow {
  /** The timestamp as PostgreSQL prints it (microseconds included, which a Date would drop). */
  position: string;
}

/** Where a page of history starts: after this snapshot (exclusive). */
export interface SnapshotCursor {
  position: string;
  source: string;
}

export interface SnapshotQuery {
  from?: Date;
  to?: Date;
  source?: string;
  limit: number;
  order: 'asc' | 'desc';
}

@Injectable()
export class PriceSnapshotsRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly partitions: TimePartitions,
  ) {}

  /** Inserts snapshots in one statement; a snapshot already stored is left as it is. */
  async insert(
    rows: readonly SnapshotWrite[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<number> {
    if (rows.length === 0) return 0;
    await this.partitions.ensure(
      'price_snapshots',
      rows.map((r) => r.timestamp),
      manager,
    );
    const inserted = await manager.query<unknown[]>(
      `INSERT INTO price_snapshots (asset_id, "timestamp", source, price, market_cap, total_volume, is_anomaly, anomaly_reason)
       SELECT a, to_timestamp(t / 1000.0), s, p, mc, tv, r IS NOT NULL, r
       FROM UNNEST($1::integer[], $2::float8[], $3::varchar[], $4::numeric[], $5::numeric[], $6::numeric[], $7::text[])
            AS u(a, t, s, p, mc, tv, r)
       ON CONFLICT (asset_id, "timestamp", source) DO NOTHING
       RETURNING 1`,
      [
        pgNumbers(rows.map((r) => r.assetId)),
        pgEpochMillis(rows.map((r) => r.timestamp)),
        pgTexts(rows.map((r) => r.source)),
        pgNumbers(rows.map((r) => r.price)),
        pgNumbers(rows.map((r) => r.marketCap)),
        pgNumbers(rows.map((r) => r.totalVolume)),
        pgTexts(rows.map((r) => r.anomaly)),
      ],
    );
    return inserted.length;
  }

  async findHistory(
    assetId: number,
    query: SnapshotQuery,
  ): Promise<{ rows: SnapshotRow[]; total: number }> {
    const where = `asset_id = $1 AND ($2::timestamptz IS NULL OR "timestamp" >= $2)
      AND ($3::timestamptz IS NULL OR "timestamp" <= $3) AND ($4::varchar IS NULL OR source = $4)`;
    const params = [assetId, query.from ?? null, query.to ?? null, query.source ?? null];
    const direction = query.order === 'asc' ? 'ASC' : 'DESC';
    const rows = await this.dataSource.query<SnapshotRow[]>(
      `SELECT "timestamp", source, price, market_cap, total_volume, is_anomaly FROM price_snapshots
       WHERE ${where} ORDER BY "timestamp" ${direction}, source LIMIT $5`,
      [...params, query.limit],
    );
    const count = await this.dataSource.query<{ total: string }[]>(
      `SELECT count(*) AS total FROM price_snapshots WHERE ${where}`,
      params,
    );
    return { rows, total: Number(count[0].total) };
  }

  /**
   * One page of an asset's history in the order findHistory uses (timestamp, then source),
   * starting after `after`: keyset pagination along the primary key, so each page costs the
   * same however deep into the range it is.
   */
  async findHistoryPage(
    assetId: number,
    query: SnapshotQuery & { after?: SnapshotCursor },
  ): Promise<SnapshotPageRow[]> {
    const direction = query.order === 'asc' ? 'ASC' : 'DESC';
    const beyond = query.order === 'asc' ? '>' : '<';
    return this.dataSource.query<SnapshotPageRow[]>(
      `SELECT "timestamp", "timestamp"::text AS position, source, price, market_cap, total_volume, is_anomaly
       FROM price_snapshots
       WHERE asset_id = $1 AND ($2::timestamptz IS NULL OR "timestamp" >= $2)
         AND ($3::timestamptz IS NULL OR "timestamp" <= $3) AND ($4::varchar IS NULL OR source = $4)
         AND ($6::timestamptz IS NULL OR "timestamp" ${beyond} $6 OR ("timestamp" = $6 AND source > $7))
       ORDER BY "timestamp" ${direction}, source LIMIT $5`,
      [
        assetId,
        query.from ?? null,
        query.to ?? null,
        query.source ?? null,
        query.limit,
        query.after?.position ?? null,
        query.after?.source ?? null,
      ],
    );
  }

  /** Each asset's newest trusted price from `source` (to compare a new price with). */
  async previousPrices(
    assetIds: number[],
    source: string,
    manager: EntityManager,
  ): Promise<Map<number, number>> {
    const rows = await manager.query<{ id: number; price: string }[]>(
      `SELECT a.id, s.price FROM unnest($1::integer[]) AS a(id)
       CROSS JOIN LATERAL (SELECT price FROM price_snapshots
                           WHERE asset_id = a.id AND source = $2 AND NOT is_anomaly
                           ORDER BY "timestamp" DESC LIMIT 1) AS s`,
      [assetIds, source],
    );
    return new Map(rows.map((r) => [r.id, Number(r.price)]));
  }

  /** Each asset's newest trusted price from every other source since `since`. */
  async otherSourcesPrices(
    assetIds: number[],
    source: string,
    since: Date,
    manager: EntityManager,
  ): Promise<Map<number, number[]>> {
    const rows = await manager.query<{ id: number; price: string }[]>(
      `SELECT a.id, s.price FROM unnest($1::integer[]) AS a(id)
       CROSS JOIN LATERAL (SELECT DISTINCT ON (source) price FROM price_snapshots
                           WHERE asset_id = a.id AND source <> $2 AND "timestamp" >= $3 AND NOT is_anomaly
                           ORDER BY source, "timestamp" DESC) AS s`,
      [assetIds, source, since],
    );
    const prices = new Map<number, number[]>();
    for (const row of rows) prices.set(row.id, [...(prices.get(row.id) ?? []), Number(row.price)]);
    return prices;
  }

  /** The newest trusted snapshot of an asset, read backwards along the primary key. */
  async findLatest(assetId: number): Promise<SnapshotRow | null> {
    const rows = await this.dataSource.query<SnapshotRow[]>(
      `SELECT "timestamp", source, price, market_cap, total_volume, is_anomaly FROM price_snapshots
       WHERE asset_id = $1 AND NOT is_anomaly ORDER BY "timestamp" DESC LIMIT 1`,
      [assetId],
    );
    return rows[0] ?? null;
  }
}
