import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { pgEpochMillis, pgNumbers, pgTexts } from '../database/pg-arrays';

export interface SnapshotWrite {
  assetId: number;
  timestamp: Date;
  source: string;
  price: number;
  marketCap?: number | null;
  totalVolume?: number | null;
}

export interface SnapshotRow {
  timestamp: Date;
  source: string;
  price: string;
  market_cap: string | null;
  total_volume: string | null;
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
  constructor(private readonly dataSource: DataSource) {}

  /** Inserts snapshots in one statement; a snapshot already stored is left as it is. */
  async insert(
    rows: readonly SnapshotWrite[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<number> {
    if (rows.length === 0) return 0;
    const inserted = await manager.query<unknown[]>(
      `INSERT INTO price_snapshots (asset_id, "timestamp", source, price, market_cap, total_volume)
       SELECT a, to_timestamp(t / 1000.0), s, p, mc, tv
       FROM UNNEST($1::integer[], $2::float8[], $3::varchar[], $4::numeric[], $5::numeric[], $6::numeric[])
            AS u(a, t, s, p, mc, tv)
       ON CONFLICT (asset_id, "timestamp", source) DO NOTHING
       RETURNING 1`,
      [
        pgNumbers(rows.map((r) => r.assetId)),
        pgEpochMillis(rows.map((r) => r.timestamp)),
        pgTexts(rows.map((r) => r.source)),
        pgNumbers(rows.map((r) => r.price)),
        pgNumbers(rows.map((r) => r.marketCap)),
        pgNumbers(rows.map((r) => r.totalVolume)),
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
      `SELECT "timestamp", source, price, market_cap, total_volume FROM price_snapshots
       WHERE ${where} ORDER BY "timestamp" ${direction}, source LIMIT $5`,
      [...params, query.limit],
    );
    const count = await this.dataSource.query<{ total: string }[]>(
      `SELECT count(*) AS total FROM price_snapshots WHERE ${where}`,
      params,
    );
    return { rows, total: Number(count[0].total) };
  }

  /** The newest snapshot of an asset, read backwards along the primary key. */
  async findLatest(assetId: number): Promise<SnapshotRow | null> {
    const rows = await this.dataSource.query<SnapshotRow[]>(
      `SELECT "timestamp", source, price, market_cap, total_volume FROM price_snapshots
       WHERE asset_id = $1 ORDER BY "timestamp" DESC LIMIT 1`,
      [assetId],
    );
    return rows[0] ?? null;
  }
}
