// The query parameters of the CoinGecko-compatible routes, as docs.coingecko.com names them.
// Unknown parameters (keys, locale, …) are accepted and ignored (@LenientQuery).
import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsDate,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { IntegerParam } from '../../common/dto/query-params';
import { toDate } from '../../common/dto/query-transforms';
import { LenientQuery } from '../../common/pipes/lenient-query';
import { MARKET_ORDERS, type MarketOrder } from '../coingecko-v3.repository';

export const PRECISIONS = ['full', ...Array.from({ length: 19 }, (_, i) => String(i))] as const;
export const OHLC_DAYS = ['1', '7', '14', '30', '90', '180', '365', 'max'] as const;
export const CHANGE_WINDOWS = ['1h', '24h', '7d', '14d', '30d', '200d', '1y'] as const;
export type ChangeWindow = (typeof CHANGE_WINDOWS)[number];

const toBool = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;
const toLowerList = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string'
    ? [
        ...new Set(
          value
            .split(',')
            .map((s) => s.trim().toLowerCase())
            .filter((s) => s !== ''),
        ),
      ]
    : value;

function BoolParam(description?: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: Boolean, default: false, description }),
    IsOptional(),
    Transform(toBool),
    IsBoolean({ message: ({ property }) => `${property} must be true or false` }),
  );
}

/** A comma-separated list of at most `max` items of `pattern` (lower-cased). */
function ListParam(max: number, pattern: RegExp, doc: string, required = false): PropertyDecorator {
  return applyDecorators(
    required
      ? ApiProperty({ type: String, description: doc })
      : ApiPropertyOptional({ type: String, description: doc }),
    ...(required ? [] : [IsOptional()]),
    Transform(toLowerList),
    ArrayMaxSize(max, { message: ({ property }) => `${property} must list at most ${max} items` }),
    Matches(pattern, {
      each: true,
      message: ({ property }) => `each of ${property} must match ${String(pattern)}`,
    }),
  );
}

const COIN_ID = /^[a-z0-9][a-z0-9._-]{0,99}$/;
const SYMBOL = /^[a-z0-9]{1,20}$/;
// Any text but commas (the separator); control characters are refused.
const NAME = /^[^,\p{Cc}]{1,100}$/u;
const CURRENCY = /^[a-z]{2,10}$/;

function PrecisionParam(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      enum: PRECISIONS,
      description: 'Decimal places of prices (default: as stored)',
    }),
    IsOptional(),
    IsIn(PRECISIONS, { message: 'precision must be full or 0 to 18' }),
  );
}

function VsCurrency(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ example: 'usd', description: 'See /simple/supported_vs_currencies' }),
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' ? value.trim().toLowerCase() : value,
    ),
    IsString(),
    Matches(CURRENCY, { message: 'vs_currency must be a currency code such as usd' }),
  );
}

@LenientQuery()
export class SimplePriceQuery {
  @ListParam(250, CURRENCY, 'Comma-separated quote currencies: usd,eur,btc', true)
  vs_currencies!: string[];

  @ListParam(250, COIN_ID, 'Comma-separated coin ids: bitcoin,ethereum')
  ids?: string[];

  @ListParam(250, SYMBOL, 'Comma-separated symbols: btc,eth')
  symbols?: string[];

  @ListParam(250, NAME, 'Comma-separated names: Bitcoin,Ethereum')
  names?: string[];

  @BoolParam()
  include_market_cap?: boolean;

  @BoolParam()
  include_24hr_vol?: boolean;

  @BoolParam()
  include_24hr_change?: boolean;

  @BoolParam('last_updated_at, unix seconds')
  include_last_updated_at?: boolean;

  @PrecisionParam()
  precision?: string;
}

@LenientQuery()
export class CoinsListQuery {
  @BoolParam('platforms of each coin (always empty here: no contract data)')
  include_platform?: boolean;

  @ApiPropertyOptional({ enum: ['active', 'inactive'], default: 'active' })
  @IsOptional()
  @IsIn(['active', 'inactive'], { message: 'status must be active or inactive' })
  status?: 'active' | 'inactive';
}

@LenientQuery()
export class MarketsQuery {
  @VsCurrency()
  vs_currency!: string;

  @ListParam(250, COIN_ID, 'Comma-separated coin ids')
  ids?: string[];

  @ListParam(250, SYMBOL, 'Comma-separated symbols')
  symbols?: string[];

  @ListParam(250, NAME, 'Comma-separated names')
  names?: string[];

  @ApiPropertyOptional({ enum: MARKET_ORDERS, default: 'market_cap_desc' })
  @IsOptional()
  @IsIn(MARKET_ORDERS, { message: `order must be one of: ${MARKET_ORDERS.join(', ')}` })
  order?: MarketOrder;

  @IntegerParam(1, 250, { default: 100 })
  per_page?: number;

  @IntegerParam(1, 100_000, { default: 1 })
  page?: number;

  @BoolParam('sparkline_in_7d.price: hourly closes of the last 7 days')
  sparkline?: boolean;

  @ListParam(7, /^(1h|24h|7d|14d|30d|200d|1y)$/, `Comma-separated: ${CHANGE_WINDOWS.join(',')}`)
  price_change_percentage?: ChangeWindow[];

  @PrecisionParam()
  precision?: string;
}

@LenientQuery()
export class CoinQuery {
  @BoolParam()
  localization?: boolean;

  @BoolParam()
  tickers?: boolean;

  @BoolParam()
  market_data?: boolean;

  @BoolParam()
  community_data?: boolean;

  @BoolParam()
  developer_data?: boolean;

  @BoolParam('market_data.sparkline_7d')
  sparkline?: boolean;

  @BoolParam()
  include_categories_details?: boolean;

  @ApiPropertyOptional({ enum: ['contract_address', 'symbol'] })
  @IsOptional()
  @IsIn(['contract_address', 'symbol'])
  dex_pair_format?: string;
}

@LenientQuery()
export class OhlcQueryV3 {
  @VsCurrency()
  vs_currency!: string;

  @ApiProperty({ enum: OHLC_DAYS })
  @IsIn(OHLC_DAYS, { message: `days must be one of: ${OHLC_DAYS.join(', ')}` })
  days!: (typeof OHLC_DAYS)[number];

  @ApiPropertyOptional({ enum: ['daily', 'hourly'] })
  @IsOptional()
  @IsIn(['daily', 'hourly'], { message: 'interval must be daily or hourly' })
  interval?: 'daily' | 'hourly';

  @PrecisionParam()
  precision?: string;
}

const DAYS = /^(max|[1-9]\d{0,4})$/;
const INTERVALS = ['5m', 'hourly', 'daily'] as const;

@LenientQuery()
export class MarketChartQuery {
  @VsCurrency()
  vs_currency!: string;

  @ApiProperty({ example: '30', description: 'Days back from now (1–36500) or max' })
  @IsString()
  @Matches(DAYS, { message: 'days must be a whole number of days (1–99999) or max' })
  days!: string;

  @ApiPropertyOptional({ enum: INTERVALS, description: 'Default: automatic granularity' })
  @IsOptional()
  @IsIn(INTERVALS, { message: `interval must be one of: ${INTERVALS.join(', ')}` })
  interval?: (typeof INTERVALS)[number];

  @PrecisionParam()
  precision?: string;
}

@LenientQuery()
export class MarketChartRangeQuery {
  @VsCurrency()
  vs_currency!: string;

  @ApiProperty({ type: String, example: '1735689600', description: 'Unix seconds (or ISO 8601)' })
  @Transform(toDate)
  @IsDate({ message: 'from must be unix seconds or an ISO 8601 date' })
  from!: Date;

  @ApiProperty({ type: String, example: '1738368000', description: 'Unix seconds (or ISO 8601)' })
  @Transform(toDate)
  @IsDate({ message: 'to must be unix seconds or an ISO 8601 date' })
  to!: Date;

  @ApiPropertyOptional({ enum: INTERVALS })
  @IsOptional()
  @IsIn(INTERVALS, { message: `interval must be one of: ${INTERVALS.join(', ')}` })
  interval?: (typeof INTERVALS)[number];

  @PrecisionParam()
  precision?: string;
}

@LenientQuery()
export class SearchQuery {
  @ApiProperty({ example: 'bit' })
  @IsString()
  @MinLength(1, { message: 'query must not be empty' })
  @MaxLength(100)
  @Matches(/^[^\p{Cc}]*$/u, { message: 'query must not contain control characters' })
  query!: string;
}
