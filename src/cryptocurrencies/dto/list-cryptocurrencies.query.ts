import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { toSymbolList } from '../../common/dto/query-transforms';
import { SYMBOL_PATTERN, SYMBOL_RULE } from '../../common/pipes/parse-symbol.pipe';
import { ASSET_SORT_FIELDS, type AssetSortField, type SortOrder } from '../asset-query';
import { IntegerParam, NumberParam, SourceParam } from '../../common/dto/query-params';
import { VsCurrencyParam } from '../../currencies/dto/vs-currency.query';

export const MAX_PAGE_SIZE = 1000;

export class ListCryptocurrenciesQuery {
  @IntegerParam(0, 1_000_000, { default: 0, description: 'Rows to skip' })
  skip?: number;

  @IntegerParam(1, MAX_PAGE_SIZE, { default: 100 })
  limit?: number;

  @IntegerParam(1, 1_000_000, { description: 'Page number; with per_page, replaces skip/limit' })
  page?: number;

  @IntegerParam(1, MAX_PAGE_SIZE, { description: 'Page size (default 100)' })
  per_page?: number;

  @ApiPropertyOptional({ enum: ASSET_SORT_FIELDS, default: 'market_cap' })
  @IsOptional()
  @IsIn(ASSET_SORT_FIELDS, { message: `sort_by must be one of: ${ASSET_SORT_FIELDS.join(', ')}` })
  sort_by?: AssetSortField;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc' })
  @IsOptional()
  @IsIn(['asc', 'desc'], { message: 'order must be one of: asc, desc' })
  order?: SortOrder;

  @ApiPropertyOptional({
    description: 'Symbol or name substring (case-insensitive)',
    example: 'bit',
    maxLength: 50,
  })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  search?: string;

  @ApiPropertyOptional({
    description: 'Alias of search, kept for existing clients',
    example: 'BTC',
    maxLength: 50,
  })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  symbol_filter?: string;

  @ApiPropertyOptional({
    description: 'Comma-separated symbols: at most 100, each 1–20 letters or digits (any case)',
    example: 'BTC,ETH',
    type: String,
  })
  @IsOptional()
  @Transform(toSymbolList)
  @ArrayMaxSize(100)
  @Matches(SYMBOL_PATTERN, { each: true, message: `each of symbols ${SYMBOL_RULE}` })
  symbols?: string[];

  @NumberParam(0, undefined, { example: 1_000_000_000, description: 'In vs_currency' })
  min_market_cap?: number;

  @NumberParam(0, undefined)
  max_market_cap?: number;

  @NumberParam(0, undefined, { example: 1_000_000 })
  min_volume?: number;

  @NumberParam(0, undefined)
  min_price?: number;

  @NumberParam(0, undefined)
  max_price?: number;

  @SourceParam('coingecko', 'Only assets whose current values come from this source')
  source?: string;

  @VsCurrencyParam()
  vs_currency?: string;
}

export class TopCryptocurrenciesQuery {
  @IntegerParam(1, 100, { default: 10 })
  limit?: number;

  @NumberParam(0, undefined, {
    description:
      'Leave out assets with less 24 h volume (keeps illiquid coins off the gainers list)',
    example: 1_000_000,
  })
  min_volume?: number;

  @VsCurrencyParam()
  vs_currency?: string;
}
