import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { ResponseFormat } from '../../common/http/csv';
import { IntegerParam, DateParam, FormatParam, SourceParam } from '../../common/dto/query-params';
import { VsCurrencyParam } from '../../currencies/dto/vs-currency.query';

export class HistoryQuery {
  @DateParam('start_date', { description: 'inclusive', example: '2026-11-01T00:00:00Z' })
  start_date?: Date;

  @DateParam('end_date', { description: 'inclusive', example: '1795392000000' })
  end_date?: Date;

  @IntegerParam(1, 1000, {
    default: 100,
    description:
      'Snapshots to return. A CSV export with `start_date` and no `limit` covers the whole range',
  })
  limit?: number;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc' })
  @IsOptional()
  @IsIn(['asc', 'desc'], { message: 'order must be one of: asc, desc' })
  order?: 'asc' | 'desc';

  @SourceParam('coingecko', 'Only snapshots from this source')
  source?: string;

  @FormatParam()
  format?: ResponseFormat;

  @VsCurrencyParam()
  vs_currency?: string;
}

export class HistoryPointDto {
  @ApiProperty({
    example: 97000.12,
    nullable: true,
    type: Number,
    description: 'null when vs_currency has no rate for the snapshot’s day',
  })
  price!: number | null;

  @ApiProperty({ example: 1_920_000_000_000, nullable: true, type: Number })
  market_cap!: number | null;

  @ApiProperty({ example: 45_000_000_000, nullable: true, type: Number })
  total_volume!: number | null;

  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' })
  timestamp!: string;

  @ApiProperty({ example: 'coingecko' })
  source!: string;

  @ApiProperty({
    example: false,
    description: 'true: flagged at ingestion (a jump or a disagreement between sources)',
  })
  is_anomaly!: boolean;
}

export class HistoryDto {
  @ApiProperty({ example: 'BTC' })
  symbol!: string;

  @ApiProperty({ example: 'usd', description: 'Currency of the amounts' })
  vs_currency!: string;

  @ApiProperty({ type: [HistoryPointDto] })
  items!: HistoryPointDto[];

  @ApiProperty({ example: 1440, description: 'Snapshots in the range, across all pages' })
  total!: number;
}
