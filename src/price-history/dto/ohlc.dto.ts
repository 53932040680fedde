import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { TIMEFRAMES, type Timeframe } from '../timeframe';
import type { ResponseFormat } from '../../common/http/csv';
import { IntegerParam, DateParam, FormatParam, SourceParam } from '../../common/dto/query-params';
import { VsCurrencyParam } from '../../currencies/dto/vs-currency.query';

export const TIMEFRAME_RULE = `timeframe must be one of: ${TIMEFRAMES.join(', ')}`;

export class OhlcQuery {
  @ApiPropertyOptional({ enum: TIMEFRAMES, default: '1h' })
  @IsOptional()
  @IsIn(TIMEFRAMES, { message: TIMEFRAME_RULE })
  timeframe?: Timeframe;

  @IntegerParam(1, 1000, {
    default: 100,
    description:
      'Buckets to return. A CSV export with `start` and no `limit` covers the whole range up to `end`',
  })
  limit?: number;

  @DateParam('start', {
    description: 'With start, buckets run forward from it; without, they end at `end`',
    example: '2026-11-21T00:00:00Z',
  })
  start?: Date;

  @DateParam('end', { description: 'default now', example: '2026-11-22T00:00:00Z' })
  end?: Date;

  @ApiPropertyOptional({
    enum: ['none', 'previous'],
    default: 'none',
    description: 'previous: empty buckets become flat candles at the previous close (volume 0)',
  })
  @IsOptional()
  @IsIn(['none', 'previous'], { message: 'fill must be one of: none, previous' })
  fill?: 'none' | 'previous';

  @SourceParam(
    'binance',
    'Only this source’s candles (default: every source, one stored candle per bucket by precedence; docs/architecture.md)',
  )
  source?: string;

  @FormatParam()
  format?: ResponseFormat;

  @VsCurrencyParam()
  vs_currency?: string;
}

const NO_RATE = 'null when vs_currency has no rate for the candle’s day';

export class OhlcCandleDto {
  @ApiProperty({ example: 1_795_392_000_000, description: 'Bucket open time, epoch ms (UTC)' })
  timestamp!: number;

  @ApiProperty({ example: 96500.5, nullable: true, type: Number, description: NO_RATE })
  open!: number | null;

  @ApiProperty({ example: 97200, nullable: true, type: Number, description: NO_RATE })
  high!: number | null;

  @ApiProperty({ example: 96100.25, nullable: true, type: Number, description: NO_RATE })
  low!: number | null;

  @ApiProperty({ example: 97000.12, nullable: true, type: Number, description: NO_RATE })
  close!: number | null;

  @ApiProperty({ example: 1234.56, description: 'Base-asset volume' })
  volume!: number;

  @ApiProperty({ example: 8421 })
  trade_count!: number;

  @ApiProperty({ example: true, description: 'false while the bucket is still filling' })
  is_closed!: boolean;

  @ApiPropertyOptional({
    example: 'binance',
    description:
      'Where the candle came from (the stored candle chosen by precedence for each part of ' +
      'the bucket; several, comma-separated in time order, when they differ). Absent on filled buckets',
  })
  source?: string;

  @ApiPropertyOptional({
    example: true,
    description: 'Present (true) on buckets synthesised by fill=previous',
  })
  filled?: boolean;
}

export class OhlcGapDto {
  @ApiProperty({
    example: 1_795_395_600_000,
    description: 'Open time of the first empty bucket, epoch ms',
  })
  from!: number;

  @ApiProperty({
    example: 1_795_402_800_000,
    description: 'End of the last empty bucket (exclusive), epoch ms',
  })
  to!: number;
}

export class OhlcDto {
  @ApiProperty({ example: 'BTC' })
  symbol!: string;

  @ApiProperty({
    example: 'usd',
    description: 'Currency of the prices (volumes are base-asset units)',
  })
  vs_currency!: string;

  @ApiProperty({ enum: TIMEFRAMES, example: '1h' })
  timeframe!: Timeframe;

  @ApiProperty({
    example: 'binance',
    nullable: true,
    type: String,
    description: 'The source asked for, else the newest candle’s; null without candles',
  })
  source!: string | null;

  @ApiProperty({ type: [OhlcCandleDto], description: 'Oldest first' })
  ohlc!: OhlcCandleDto[];

  @ApiProperty({
    type: [OhlcGapDto],
    description: 'Runs of buckets without data in the requested range',
  })
  gaps!: OhlcGapDto[];
}
