import { Injectable } from '@nestjs/common';
import { AppException } from '../common/errors/app.exception';
import type { TopCategory } from './asset-query';
import { AssetsRepository } from './assets.repository';
import type {
  CryptocurrencyDetailDto,
  CryptocurrencyPageDto,
  TopCryptocurrenciesDto,
} from './dto/cryptocurrency.dto';
import type {
  ListCryptocurrenciesQuery,
  TopCryptocurrenciesQuery,
} from './dto/list-cryptocurrencies.query';
import type { AssetEntity } from './entities/asset.entity';
import type { DataExportQuery, DataRecordDto } from './dto/data-export.dto';
import { toNumberOrNull } from '../common/dto/numbers';
import { mapCryptocurrency, mapCryptocurrencyDetail } from './cryptocurrency.mapper';

const DEFAULT_PAGE_SIZE = 100;
const DEFAULT_TOP = 10;

@Injectable()
export class CryptocurrenciesService {
  constructor(private readonly assets: AssetsRepository) {}

  async list(query: ListCryptocurrenciesQuery): Promise<CryptocurrencyPageDto> {
    assertRange('min_market_cap', query.min_market_cap, 'max_market_cap', query.max_market_cap);
    assertRange('min_price', query.min_price, 'max_price', query.max_price);
    const usesPages = query.page !== undefined || query.per_page !== undefined;
    const limit = (usesPages ? query.per_page : query.limit) ?? query.limit ?? DEFAULT_PAGE_SIZE;
    const skip = usesPages ? ((query.page ?? 1) - 1) * limit : (query.skip ?? 0);

    const { rows, total } = await this.assets.list(
      {
        search: query.search ?? query.symbol_filter,
        symbols: query.symbols,
        minMarketCap: query.min_market_cap,
        maxMarketCap: query.max_market_cap,
        minVolume: query.min_volume,
        minPrice: query.min_price,
        maxPrice: query.max_price,
        source: query.source,
      },
      query.sort_by ?? 'market_cap',
      query.order ?? 'desc',
      skip,
      limit,
    );
    return {
      items: rows.map(mapCryptocurrency),
      total,
      page: Math.floor(skip / limit) + 1,
      per_page: limit,
      has_next: skip + rows.length < total,
      has_prev: skip > 0,
    };
  }

  async get(symbol: string): Promise<CryptocurrencyDetailDto> {
    return mapCryptocurrencyDetail(await this.require(symbol));
  }

  async top(
    category: TopCategory,
    query: TopCryptocurrenciesQuery,
  ): Promise<TopCryptocurrenciesDto> {
    const rows = await this.assets.top(category, query.limit ?? DEFAULT_TOP, query.min_volume);
    return { category, items: rows.map(mapCryptocurrency) };
  }

  async export(query: DataExportQuery): Promise<DataRecordDto[]> {
    const rows = await this.assets.page(
      { symbols: query.symbol ? [query.symbol] : undefined, source: query.source },
      query.offset ?? 0,
      query.limit ?? DEFAULT_PAGE_SIZE,
    );
    return rows.map((a) => ({
      symbol: a.symbol,
      name: a.name,
      price_usd: toNumberOrNull(a.currentPrice),
      source: a.source,
    }));
  }

  /** The asset, or the API's 404 for an unknown symbol. */
  async require(symbol: string): Promise<AssetEntity> {
    const asset = await this.assets.findBySymbol(symbol);
    if (!asset) throw AppException.notFound(`Cryptocurrency with symbol '${symbol}' not found`);
    return asset;
  }
}

function assertRange(
  minName: string,
  min: number | undefined,
  maxName: string,
  max: number | undefined,
): void {
  if (min !== undefined && max !== undefined && min > max) {
    throw AppException.validation([
      { field: minName, message: `${minName} must not be greater than ${maxName}` },
    ]);
  }
}
