import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { toInteger, toNumber, toSymbolList } from '../../common/dto/query-transforms';
import { SYMBOL_PATTERN, SYMBOL_RULE } from '../../common/pipes/parse-symbol.pipe';
import { ASSET_SORT_FIELDS, type AssetSortField, type SortOrder } from '../assets.repository';

export const MAX_PAGE_SIZE = 1000;

export class ListCryptocurrenciesQuery {
  @ApiPropertyOptional({ minimum: 0, default: 0, description: 'Rows to skip' })
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  skip?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 100 })
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({
    minimum: 1,
    description: 'Page number; with per_page, replaces skip/limit',
  })
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  page?: number;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: MAX_PAGE_SIZE,
    description: 'Page size (default 100)',
  })
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
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
  })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  search?: string;

  @ApiPropertyOptional({
    description: 'Alias of search, kept for existing clients',
    example: 'BTC',
  })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  symbol_filter?: string;

  @ApiPropertyOptional({ description: 'Comma-separated symbols', example: 'BTC,ETH' })
  @IsOptional()
  @Transform(toSymbolList)
  @ArrayMaxSize(100)
  @Matches(SYMBOL_PATTERN, { each: true, message: `each of symbols ${SYMBOL_RULE}` })
  symbols?: string[];

  @ApiPropertyOptional({ minimum: 0, example: 1_000_000_000 })
  @IsOptional()
  @Transform(toNumber)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  min_market_cap?: number;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @Transform(toNumber)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  max_market_cap?: number;

  @ApiPropertyOptional({ minimum: 0, example: 1_000_000 })
  @IsOptional()
  @Transform(toNumber)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  min_volume?: number;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @Transform(toNumber)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  min_price?: number;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @Transform(toNumber)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  max_price?: number;

  @ApiPropertyOptional({
    description: 'Only assets whose current values come from this source',
    example: 'coingecko',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9_-]{1,32}$/, { message: 'source must be a source name such as coingecko' })
  source?: string;
}

export class TopCryptocurrenciesQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 10 })
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({
    minimum: 0,
    description:
      'Leave out assets with less 24 h volume (keeps illiquid coins off the gainers list)',
    example: 1_000_000,
  })
  @IsOptional()
  @Transform(toNumber)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  min_volume?: number;
}
