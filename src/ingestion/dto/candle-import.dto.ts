import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';

export class CandleImportQuery {
  @ApiProperty({ example: 'BTC', description: 'The asset the file is about (created if new)' })
  @Matches(/^[A-Za-z0-9]{1,20}$/, { message: 'symbol must be 1–20 letters or digits' })
  symbol!: string;

  @ApiPropertyOptional({
    example: 'my-archive',
    description: 'The candles’ source (default: the layout’s: yahoo, binance or coingecko)',
  })
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9._-]{0,31}$/, {
    message: 'source must be 1–32 lower-case letters, digits, dots, dashes or underscores',
  })
  source?: string;

  @ApiPropertyOptional({
    enum: ['base', 'quote'],
    default: 'base',
    description: 'What a Yahoo-style volume column counts: the base asset or USD',
  })
  @IsOptional()
  @IsIn(['base', 'quote'], { message: 'volume must be one of: base, quote' })
  volume?: 'base' | 'quote';
}

class RejectedRowDto {
  @ApiProperty({ example: 'line 17' })
  at!: string;

  @ApiProperty({ example: "open 'n/a' is not a number" })
  reason!: string;
}

export class CandleImportResultDto {
  @ApiProperty({ example: '0b6f8f7e-2f5c-4f38-9a36-6a1f1e0c2b7d' })
  run_id!: string;

  @ApiProperty({ example: 'partial', enum: ['success', 'partial'] })
  status!: string;

  @ApiProperty({ example: 'BTC' })
  symbol!: string;

  @ApiProperty({ example: 'yahoo' })
  source!: string;

  @ApiProperty({ example: 'yahoo', enum: ['yahoo', 'binance', 'coingecko'] })
  layout!: string;

  @ApiProperty({ example: '1d', enum: ['1m', '1h', '1d'] })
  timeframe!: string;

  @ApiProperty({ example: '2014-09-17T00:00:00.000Z', description: 'First candle stored' })
  first!: string;

  @ApiProperty({ example: '2025-02-11T00:00:00.000Z', description: 'Last candle stored' })
  last!: string;

  @ApiProperty({ example: 3800 })
  created_count!: number;

  @ApiProperty({ example: 0 })
  updated_count!: number;

  @ApiProperty({ example: 1 })
  rejected_count!: number;

  @ApiProperty({ type: [RejectedRowDto], description: 'The first 100 rejected rows' })
  rejected!: RejectedRowDto[];

  @ApiProperty({ example: 412 })
  duration_ms!: number;
}
