import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, Matches } from 'class-validator';
import { toUpperCase } from '../../common/dto/query-transforms';
import { SYMBOL_PATTERN, SYMBOL_RULE } from '../../common/pipes/parse-symbol.pipe';
import { IntegerParam, SourceParam } from '../../common/dto/query-params';

export class DataExportQuery {
  @IntegerParam(1, 1000, { default: 100 })
  limit?: number;

  @IntegerParam(0, 1_000_000, { default: 0 })
  offset?: number;

  @ApiPropertyOptional({ example: 'BTC' })
  @IsOptional()
  @Transform(toUpperCase)
  @Matches(SYMBOL_PATTERN, { message: `symbol ${SYMBOL_RULE}` })
  symbol?: string;

  @SourceParam('coinpaprika')
  source?: string;
}

export class DataRecordDto {
  @ApiProperty({ example: 'BTC' })
  symbol!: string;

  @ApiProperty({ example: 'Bitcoin' })
  name!: string;

  @ApiProperty({ example: 88000, nullable: true, type: Number })
  price_usd!: number | null;

  @ApiProperty({ example: 'coinpaprika' })
  source!: string;
}

export class DataExportDto {
  @ApiProperty({ example: '5f0c6f4e-8a0e-4a55-a5b8-1b3d1c8a9f10' })
  request_id!: string;

  @ApiProperty({ example: 12 })
  api_latency_ms!: number;

  @ApiProperty({ example: 10 })
  count!: number;

  @ApiProperty({ type: [DataRecordDto] })
  data!: DataRecordDto[];
}
