import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, type Repository, type SelectQueryBuilder } from 'typeorm';
import { AssetEntity } from '../cryptocurrencies/entities/asset.entity';
import { pgTexts } from '../database/pg-arrays';
import { ROLLUP_PRECEDENCE } from '../price-history/candle-sql';

/** `/coins/markets` orders; every one ends on the coin id for stable pages. */
export const MARKET_ORDERS = [
  'market_cap_desc',
  'market_cap_asc',
  'volume_desc',
  'volume_asc',
  'id_asc',
  'id_desc',
] as const;
export type MarketOrder = (typeof MARKET_ORDERS)[number];

/** A coin's CoinGecko id when the coingecko source supplied one, else its lower-case symbol. */
export const COIN_ID_SQL = `COALESCE(a.coingecko_id, lower(a.symbol))`;

const ORDER_SQL: Record<MarketOrder, [string, 'ASC' | 'DESC']> = {
  market_cap_desc: ['a.market_cap', 'DESC'],
  market_cap_asc: ['a.market_cap', 'ASC'],
  volume_desc: ['a.total_volume', 'DESC'],
  volume_asc: ['a.total_volume', 'ASC'],
  id_asc: [COIN_ID_SQL, 'ASC'],
  id_desc: [COIN_ID_SQL, 'DESC'],
};

export interface CoinSelector {
  ids?: string[];
  symbols?: string[];
  names?: string[];
}

export interface TimedClose {
  time: number;
  close: string;
}

/** The SQL of the CoinGecko-compatible surface: coins by CoinGecko id, and their closes. */
@Injectable()
export class CoinGeckoV3Repository {
  constructor(
    @InjectRepository(AssetEntity) private readonly assets: Repository<AssetEntity>,
    private readonly dataSource: DataSource,
  ) {}

  /** Coins matching any of the selectors (ids, symbols, names; case-insensitive). */
  async select(selector: CoinSelector): Promise<AssetEntity[]> {
    return this.selected(selector).orderBy('a.market_cap', 'DESC', 'NULLS LAST').getMany();
  }

  async findById(id: string): Promise<AssetEntity | null> {
    return this.selected({ ids: [id] })
      .orderBy('a.coingecko_id IS NULL', 'ASC')
      .getOne();
  }

  async markets(
    selector: CoinSelector,
    order: MarketOrder,
    skip: number,
    limit: number,
  ): Promise<AssetEntity[]> {
    const [expression, direction] = ORDER_SQL[order];
    const any = Boolean(selector.ids ?? selector.symbols ?? selector.names);
    const query = (any ? this.selected(selector) : this.assets.createQueryBuilder('a'))
      .andWhere('a.is_active')
      .orderBy(expression, direction, 'NULLS LAST');
    // Ties broken by id (TypeORM keys ORDER BY terms by text: the id order is not repeated).
    if (expression !== COIN_ID_SQL) query.addOrderBy(COIN_ID_SQL, 'ASC');
    return query.offset(skip).limit(limit).getMany();
  }

  async list(): Promise<{ id: string; symbol: string; name: string }[]> {
    return this.dataSource.query(
      `SELECT ${COIN_ID_SQL} AS id, lower(a.symbol) AS symbol, a.name FROM assets a
       WHERE a.is_active ORDER BY 1`,
    );
  }

  /** Coins whose id, symbol or name contains the text, best-ranked (exact symbol first). */
  async search(text: string, limit: number): Promise<AssetEntity[]> {
    const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    return this.assets
      .createQueryBuilder('a')
      .where(
        `(${COIN_ID_SQL} ILIKE :like OR a.symbol ILIKE :like OR a.name ILIKE :like) AND a.is_active`,
        { like },
      )
      .orderBy(`lower(a.symbol) = :exact`, 'DESC')
      .addOrderBy('a.market_cap_rank', 'ASC', 'NULLS LAST')
      .addOrderBy('a.market_cap', 'DESC', 'NULLS LAST')
      .setParameter('exact', text.toLowerCase())
      .limit(limit)
      .getMany();
  }

  /** Every active coin with a market cap, largest first (what /global sums up). */
  async withMarketCap(): Promise<AssetEntity[]> {
    return this.assets
      .createQueryBuilder('a')
      .where('a.is_active AND a.market_cap IS NOT NULL')
      .orderBy('a.market_cap', 'DESC')
      .getMany();
  }

  async activeCount(): Promise<number> {
    return this.assets.createQueryBuilder('a').where('a.is_active').getCount();
  }

  /** Hourly closes since `from` of several coins (the candle each hour serves), oldest first. */
  async hourlyCloses(assetIds: number[], from: Date): Promise<Map<number, TimedClose[]>> {
    return this.closes('1h', assetIds, `open_time >= $2`, [from]);
  }

  /** Daily closes of several coins on the given days (UTC midnights). */
  async dailyClosesOn(assetIds: number[], days: Date[]): Promise<Map<number, TimedClose[]>> {
    return this.closes('1d', assetIds, `open_time = ANY($2::timestamptz[])`, [
      `{${days.map((d) => d.toISOString()).join(',')}}`,
    ]);
  }

  private async closes(
    timeframe: '1h' | '1d',
    assetIds: number[],
    when: string,
    params: unknown[],
  ): Promise<Map<number, TimedClose[]>> {
    const byAsset = new Map<number, TimedClose[]>();
    if (assetIds.length === 0) return byAsset;
    const rows = await this.dataSource.query<{ asset_id: number; time: string; close: string }[]>(
      `SELECT DISTINCT ON (asset_id, open_time) asset_id,
              (extract(epoch FROM open_time) * 1000)::float8 AS time, close::text AS close
       FROM candle_rollups
       WHERE asset_id = ANY($1::integer[]) AND timeframe = '${timeframe}' AND ${when}
       ORDER BY asset_id, open_time, ${ROLLUP_PRECEDENCE}`,
      [`{${assetIds.join(',')}}`, ...params],
    );
    for (const row of rows) {
      const list = byAsset.get(row.asset_id) ?? [];
      list.push({ time: Number(row.time), close: row.close });
      byAsset.set(row.asset_id, list);
    }
    return byAsset;
  }

  private selected(selector: CoinSelector): SelectQueryBuilder<AssetEntity> {
    const clauses: string[] = [];
    if (selector.ids?.length) clauses.push(`${COIN_ID_SQL} = ANY(:ids::varchar[])`);
    if (selector.symbols?.length) clauses.push(`lower(a.symbol) = ANY(:symbols::varchar[])`);
    if (selector.names?.length) clauses.push(`lower(a.name) = ANY(:names::varchar[])`);
    return this.assets
      .createQueryBuilder('a')
      .where(clauses.length ? `(${clauses.join(' OR ')})` : 'false', {
        ids: pgTexts(selector.ids ?? []),
        symbols: pgTexts(selector.symbols ?? []),
        names: pgTexts(selector.names ?? []),
      });
  }
}
