import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { toUpperCase } from '../../common/dto/query-transforms';
import { SYMBOL_PATTERN, SYMBOL_RULE } from '../../common/pipes/parse-symbol.pipe';
import { TIMEFRAMES, type Timeframe } from '../../price-history/timeframe';
import { TIMEFRAME_RULE } from '../../price-history/dto/ohlc.dto';
import { IntegerParam, DateParam } from '../../common/dto/query-params';

export class MarketPriceQuery {
  @ApiProperty({ example: 'BTC' })
  @Transform(toUpperCase)
  @Matches(SYMBOL_PATTERN, { message: `symbol ${SYMBOL_RULE}` })
  symbol!: string;
}

export class MarketOhlcQuery extends MarketPriceQuery {
  @ApiPropertyOptional({ enum: TIMEFRAMES, default: '1h' })
  @IsOptional()
  @IsIn(TIMEFRAMES, { message: TIMEFRAME_RULE })
  timeframe?: Timeframe;

  @IntegerParam(1, 1000, { default: 100 })
  limit?: number;
}

export class MarketPriceDto {
  @ApiProperty({ example: 'BTC' })
  symbol!: string;

  @ApiProperty({ example: 50000.5 })
  price!: number;

  @ApiProperty({ example: 1_633_659_200_000, description: 'epoch ms' })
  timestamp!: number;

  @ApiProperty({ example: 'binance' })
  source!: string;
}

export class MarketCandleDto {
  @ApiProperty({ example: 1_633_659_200_000, description: 'epoch ms' })
  timestamp!: number;

  @ApiProperty({ example: 2000 })
  open!: number;

  @ApiProperty({ example: 2100 })
  high!: number;

  @ApiProperty({ example: 1900 })
  low!: number;

  @ApiProperty({ example: 2050 })
  close!: number;

  @ApiProperty({ example: 1234567.89 })
  volume!: number;
}

export class MarketOhlcDto {
  @ApiProperty({ example: 'ETH' })
  symbol!: string;

  @ApiProperty({ enum: TIMEFRAMES, example: '1h' })
  timeframe!: Timeframe;

  @ApiProperty({ type: [MarketCandleDto] })
  ohlc!: MarketCandleDto[];
}

export class LatestWindowDto {
  @ApiProperty({ example: 'BTC' })
  symbol!: string;

  @ApiProperty({ example: '2026-11-22T12:30:00.000Z' })
  window_start!: string;

  @ApiProperty({ example: '2026-11-22T12:31:00.000Z' })
  window_end!: string;

  @ApiProperty({ example: 95750 })
  open!: number;

  @ApiProperty({ example: 95800 })
  high!: number;

  @ApiProperty({ example: 95700 })
  low!: number;

  @ApiProperty({ example: 95780 })
  close!: number;

  @ApiProperty({ example: 78.7 })
  volume_sum!: number;

  @ApiProperty({ example: 12 })
  event_count!: number;
}

export class HistoricalQuery {
  @DateParam('start_time', { example: '2026-11-22T00:00:00' })
  start_time?: Date;

  @DateParam('end_time', { example: '2026-11-22T12:00:00' })
  end_time?: Date;

  @IntegerParam(1, 1000, { default: 100 })
  limit?: number;

  @IntegerParam(0, 1_000_000, { default: 0 })
  offset?: number;

  @ApiPropertyOptional({ enum: ['desc', 'asc'], default: 'desc', description: 'By window_start' })
  @IsOptional()
  @IsIn(['desc', 'asc'], { message: 'order_by must be one of: desc, asc' })
  order_by?: 'desc' | 'asc';
}

export class HistoricalWindowDto {
  @ApiProperty({ example: 'BTC' })
  symbol!: string;

  @ApiProperty({ example: '2026-11-22T12:30:00.000Z' })
  window_start!: string;

  @ApiProperty({ example: '2026-11-22T12:31:00.000Z' })
  window_end!: string;

  @ApiProperty({ example: 95750 })
  open_price!: number;

  @ApiProperty({ example: 95800 })
  high_price!: number;

  @ApiProperty({ example: 95700 })
  low_price!: number;

  @ApiProperty({ example: 95780 })
  close_price!: number;

  @ApiProperty({ example: 95757.5, description: 'Volume-weighted when known, else the OHLC mean' })
  avg_price!: number;

  @ApiProperty({ example: 78.7 })
  volume_sum!: number;

  @ApiProperty({ example: 12 })
  trade_count!: number;
}
