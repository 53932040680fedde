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
import { toUsd } from '../currencies/conversion';
import { QuoteConverter } from '../currencies/quote-converter';

const DEFAULT_PAGE_SIZE = 100;
const DEFAULT_TOP = 10;

@Injectable()
export class CryptocurrenciesService {
  constructor(
    private readonly assets: AssetsRepository,
    private readonly quotes: QuoteConverter,
  ) {}

  async list(query: ListCryptocurrenciesQuery): Promise<CryptocurrencyPageDto> {
    assertRange('min_market_cap', query.min_market_cap, 'max_market_cap', query.max_market_cap);
    assertRange('min_price', query.min_price, 'max_price', query.max_price);
    const usesPages = query.page !== undefined || query.per_page !== undefined;
    const limit = (usesPages ? query.per_page : query.limit) ?? query.limit ?? DEFAULT_PAGE_SIZE;
    const skip = usesPages ? ((query.page ?? 1) - 1) * limit : (query.skip ?? 0);
    const quote = await this.quotes.quote(query.vs_currency);
    // Bounds are in the quote currency; the stored amounts are USD.
    const rate = quote.rates.now();
    const bound = (name: string, value: number | undefined): number | undefined => {
      const usd = toUsd(value, rate);
      if (usd === null) {
        throw AppException.validation([
          {
            field: name,
            message: `${name} needs a current ${quote.currency.code} rate, and there is none`,
          },
        ]);
      }
      return usd;
    };

    const { rows, total } = await this.assets.list(
      {
        search: query.search ?? query.symbol_filter,
        symbols: query.symbols,
        minMarketCap: bound('min_market_cap', query.min_market_cap),
        maxMarketCap: bound('max_market_cap', query.max_market_cap),
        minVolume: bound('min_volume', query.min_volume),
        minPrice: bound('min_price', query.min_price),
        maxPrice: bound('max_price', query.max_price),
        source: query.source,
      },
      query.sort_by ?? 'market_cap',
      query.order ?? 'desc',
      skip,
      limit,
    );
    return {
      vs_currency: quote.currency.code,
      items: rows.map((row) => mapCryptocurrency(row, quote)),
      total,
      page: Math.floor(skip / limit) + 1,
      per_page: limit,
      has_next: skip + rows.length < total,
      has_prev: skip > 0,
    };
  }

  async get(symbol: string, vsCurrency?: string): Promise<CryptocurrencyDetailDto> {
    const quote = await this.quotes.quote(vsCurrency);
    return mapCryptocurrencyDetail(await this.require(symbol), quote);
  }

  async top(
    category: TopCategory,
    query: TopCryptocurrenciesQuery,
  ): Promise<TopCryptocurrenciesDto> {
    const quote = await this.quotes.quote(query.vs_currency);
    const minVolume = toUsd(query.min_volume, quote.rates.now());
    if (minVolume === null) {
      throw AppException.validation([
        {
          field: 'min_volume',
          message: `min_volume needs a current ${quote.currency.code} rate, and there is none`,
        },
      ]);
    }
    const rows = await this.assets.top(category, query.limit ?? DEFAULT_TOP, minVolume);
    return {
      vs_currency: quote.currency.code,
      category,
      items: rows.map((row) => mapCryptocurrency(row, quote)),
    };
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
