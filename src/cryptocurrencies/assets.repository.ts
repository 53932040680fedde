import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, type Repository } from 'typeorm';
import {
  type AssetFilter,
  type AssetPage,
  type AssetSortField,
  type SortOrder,
  type TopCategory,
} from './asset-query';
import {
  UPSERT_COLUMNS,
  UPSERT_SQL,
  type AssetUpsert,
  type AssetUpsertResult,
} from './asset-upsert';
import { AssetEntity } from './entities/asset.entity';

/** Sort keys to entity expressions; whitelisted, never interpolated from input. */
const SORT_EXPRESSIONS: Record<AssetSortField, string> = {
  market_cap: 'a.marketCap',
  market_cap_rank: 'a.marketCapRank',
  current_price: 'a.currentPrice',
  total_volume: 'a.totalVolume',
  price_change_percentage_1h: 'a.priceChangePercentage1h',
  price_change_percentage_24h: 'a.priceChangePercentage24h',
  price_change_percentage_7d: 'a.priceChangePercentage7d',
  name: 'a.name',
  symbol: 'a.symbol',
};

const TOP_ORDER: Record<TopCategory, { field: string; order: 'ASC' | 'DESC' }> = {
  market_cap: { field: 'a.marketCap', order: 'DESC' },
  volume: { field: 'a.totalVolume', order: 'DESC' },
  gainers: { field: 'a.priceChangePercentage24h', order: 'DESC' },
  losers: { field: 'a.priceChangePercentage24h', order: 'ASC' },
};

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

@Injectable()
export class AssetsRepository {
  constructor(
    @InjectRepository(AssetEntity) private readonly assets: Repository<AssetEntity>,
    private readonly dataSource: DataSource,
  ) {}

  findBySymbol(symbol: string): Promise<AssetEntity | null> {
    return this.assets.findOneBy({ symbol });
  }

  async findIdsBySymbols(
    symbols: readonly string[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Map<string, number>> {
    const rows = await manager.query<{ id: number; symbol: string }[]>(
      'SELECT id, symbol FROM assets WHERE symbol = ANY($1::varchar[])',
      [symbols],
    );
    return new Map(rows.map((r) => [r.symbol, r.id]));
  }

  async list(
    filter: AssetFilter,
    sortBy: AssetSortField,
    order: SortOrder,
    skip: number,
    limit: number,
  ): Promise<AssetPage> {
    const query = this.filtered(filter).orderBy(
      SORT_EXPRESSIONS[sortBy],
      order === 'asc' ? 'ASC' : 'DESC',
      'NULLS LAST',
    );
    // Symbols are unique: ties on any other key are broken by symbol for stable pages.
    if (sortBy !== 'symbol') query.addOrderBy('a.symbol', 'ASC');
    const [rows, total] = await query.offset(skip).limit(limit).getManyAndCount();
    return { rows, total };
  }

  /** A page in a stable order (by symbol), for bulk readers. */
  page(filter: AssetFilter, skip: number, limit: number): Promise<AssetEntity[]> {
    return this.filtered(filter).orderBy('a.symbol', 'ASC').offset(skip).limit(limit).getMany();
  }

  /** Top assets of a category; assets without the ranking value are left out. */
  top(category: TopCategory, limit: number, minVolume?: number): Promise<AssetEntity[]> {
    const { field, order } = TOP_ORDER[category];
    return this.filtered({ minVolume })
      .andWhere(`${field} IS NOT NULL`)
      .orderBy(field, order)
      .addOrderBy('a.symbol', 'ASC')
      .limit(limit)
      .getMany();
  }

  /**
   * Bulk upsert in one statement (UNNEST: one bind parameter per column, any row count).
   * `priority`: source names, most trusted first (see INCOMING_WINS); without it the
   * incoming values win.
   */
  async upsert(
    rows: readonly AssetUpsert[],
    manager: EntityManager = this.dataSource.manager,
    priority: readonly string[] | null = null,
  ): Promise<AssetUpsertResult> {
    if (rows.length === 0) return { created: 0, updated: 0, unchanged: 0, ids: new Map() };
    const params = UPSERT_COLUMNS.map(([, , field]) => rows.map((row) => row[field] ?? null));
    const changed = await manager.query<{ id: number; symbol: string; inserted: boolean }[]>(
      UPSERT_SQL,
      [...params, priority],
    );
    const created = changed.filter((r) => r.inserted).length;
    const ids = await this.findIdsBySymbols(
      rows.map((r) => r.symbol),
      manager,
    );
    return {
      created,
      updated: changed.length - created,
      unchanged: ids.size - changed.length,
      ids,
    };
  }

  /**
   * For live feeds, which know little more than a ticker: the id of each symbol, creating
   * (with just a name) the assets that do not exist yet. Existing assets are left untouched.
   */
  async findOrCreateIds(
    entries: readonly { symbol: string; name: string; source: string }[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Map<string, number>> {
    await manager.query(
      `INSERT INTO assets (symbol, name, source)
       SELECT * FROM UNNEST($1::varchar[], $2::varchar[], $3::varchar[])
       ON CONFLICT (symbol) DO NOTHING`,
      [entries.map((e) => e.symbol), entries.map((e) => e.name), entries.map((e) => e.source)],
    );
    return this.findIdsBySymbols(
      entries.map((e) => e.symbol),
      manager,
    );
  }

  /** Assets with a CoinGecko id, best ranked first, but those named. */
  async findCoinGeckoIds(
    except: readonly string[],
    limit: number,
  ): Promise<{ id: number; symbol: string; coingeckoId: string }[]> {
    return this.dataSource.query(
      `SELECT id, symbol, coingecko_id AS "coingeckoId" FROM assets
       WHERE coingecko_id IS NOT NULL AND is_active AND symbol <> ALL($1::varchar[])
       ORDER BY market_cap_rank NULLS LAST, symbol LIMIT $2`,
      [except, limit],
    );
  }

  private filtered(filter: AssetFilter) {
    const query = this.assets.createQueryBuilder('a').where('a.isActive = true');
    if (filter.search) {
      query.andWhere('(a.symbol ILIKE :search OR a.name ILIKE :search)', {
        search: `%${escapeLike(filter.search)}%`,
      });
    }
    if (filter.symbols?.length)
      query.andWhere('a.symbol IN (:...symbols)', { symbols: filter.symbols });
    if (filter.minMarketCap !== undefined) {
      query.andWhere('a.marketCap >= :minMarketCap', { minMarketCap: filter.minMarketCap });
    }
    if (filter.maxMarketCap !== undefined) {
      query.andWhere('a.marketCap <= :maxMarketCap', { maxMarketCap: filter.maxMarketCap });
    }
    if (filter.minVolume !== undefined) {
      query.andWhere('a.totalVolume >= :minVolume', { minVolume: filter.minVolume });
    }
    if (filter.minPrice !== undefined) {
      query.andWhere('a.currentPrice >= :minPrice', { minPrice: filter.minPrice });
    }
    if (filter.maxPrice !== undefined) {
      query.andWhere('a.currentPrice <= :maxPrice', { maxPrice: filter.maxPrice });
    }
    if (filter.source) query.andWhere('a.source = :source', { source: filter.source });
    return query;
  }
}
