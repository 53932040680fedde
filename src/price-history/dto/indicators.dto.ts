import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMinSize, IsIn, IsOptional } from 'class-validator';
import { TIMEFRAMES, type Timeframe } from '../timeframe';
import { TIMEFRAME_RULE } from './ohlc.dto';
import { IntegerParam, NumberParam, DateParam } from '../../common/dto/query-params';
import { VsCurrencyParam } from '../../currencies/dto/vs-currency.query';

export const INDICATORS = ['sma', 'ema', 'rsi', 'macd', 'bollinger'] as const;
export type IndicatorName = (typeof INDICATORS)[number];

const toLowerList = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter((s) => s.length > 0)
    : value;

export class IndicatorsQuery {
  @ApiPropertyOptional({ enum: TIMEFRAMES, default: '1h' })
  @IsOptional()
  @IsIn(TIMEFRAMES, { message: TIMEFRAME_RULE })
  timeframe?: Timeframe;

  @ApiPropertyOptional({
    description: `Comma-separated: ${INDICATORS.join(', ')} (default all)`,
    example: 'sma,rsi',
  })
  @IsOptional()
  @Transform(toLowerList)
  @ArrayMinSize(1)
  @IsIn(INDICATORS, {
    each: true,
    message: `indicators must be a list of: ${INDICATORS.join(', ')}`,
  })
  indicators?: IndicatorName[];

  @DateParam('end', {
    description: '; the last candle used (default: the newest candle',
    example: '2026-11-22T00:00:00Z',
  })
  end?: Date;

  @IntegerParam(1, 500, { default: 100, description: 'Points per indicator' })
  limit?: number;

  @IntegerParam(2, 200, { default: 20, description: 'SMA, EMA and Bollinger period' })
  period?: number;

  @IntegerParam(2, 100, { default: 14 })
  rsi_period?: number;

  @IntegerParam(2, 100, { default: 12 })
  macd_fast?: number;

  @IntegerParam(3, 200, { default: 26 })
  macd_slow?: number;

  @IntegerParam(2, 100, { default: 9 })
  macd_signal?: number;

  @NumberParam(0.5, 5, { default: 2, description: 'Bollinger band width in standard deviations' })
  stddev?: number;

  @VsCurrencyParam()
  vs_currency?: string;
}

export class IndicatorParamsDto {
  @ApiProperty({ example: 20 })
  period!: number;

  @ApiProperty({ example: 14 })
  rsi_period!: number;

  @ApiProperty({ example: 12 })
  macd_fast!: number;

  @ApiProperty({ example: 26 })
  macd_slow!: number;

  @ApiProperty({ example: 9 })
  macd_signal!: number;

  @ApiProperty({ example: 2 })
  stddev!: number;
}

export class IndicatorPointDto {
  @ApiProperty({ example: 1_795_392_000_000, description: 'Candle open time, epoch ms' })
  timestamp!: number;

  @ApiPropertyOptional({ example: 96950.2 })
  value?: number;

  @ApiPropertyOptional({ example: 120.5 })
  macd?: number;

  @ApiPropertyOptional({ example: 98.1 })
  signal?: number;

  @ApiPropertyOptional({ example: 22.4 })
  histogram?: number;

  @ApiPropertyOptional({ example: 98500 })
  upper?: number;

  @ApiPropertyOptional({ example: 97000 })
  middle?: number;

  @ApiPropertyOptional({ example: 95500 })
  lower?: number;
}

export class IndicatorWarningDto {
  @ApiProperty({ enum: INDICATORS, example: 'rsi' })
  indicator!: IndicatorName;

  @ApiProperty({ example: 15, description: 'Candles needed for the first point' })
  needed!: number;

  @ApiProperty({ example: 8, description: 'Candles there were' })
  available!: number;

  @ApiProperty({
    example: 'rsi needs 15 candles of 1h for its first point, 8 available: no points',
  })
  message!: string;
}

// The points are only referenced from `additionalProperties`: registered by hand, or the
// document would refer to a schema it does not contain.
@ApiExtraModels(IndicatorPointDto)
export class IndicatorsDto {
  @ApiProperty({ example: 'BTC' })
  symbol!: string;

  @ApiProperty({
    example: 'usd',
    description: 'Currency of the prices the indicators are computed over',
  })
  vs_currency!: string;

  @ApiProperty({ enum: TIMEFRAMES, example: '1h' })
  timeframe!: Timeframe;

  @ApiProperty({
    type: IndicatorParamsDto,
    description: 'The parameters used (defaults filled in)',
  })
  params!: IndicatorParamsDto;

  @ApiProperty({ example: 150, description: 'Candles the indicators were computed over' })
  candles!: number;

  @ApiProperty({
    description: 'Per requested indicator, points oldest first',
    type: 'object',
    additionalProperties: {
      type: 'array',
      items: { $ref: getSchemaPath(IndicatorPointDto) },
    },
  })
  indicators!: Partial<Record<IndicatorName, IndicatorPointDto[]>>;

  @ApiProperty({
    type: [IndicatorWarningDto],
    description:
      'Indicators with fewer points than asked for, and why (too few candles); empty when every indicator is complete',
  })
  warnings!: IndicatorWarningDto[];
}
