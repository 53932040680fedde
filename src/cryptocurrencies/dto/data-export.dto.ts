import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { toInteger, toUpperCase } from '../../common/dto/query-transforms';
import { SYMBOL_PATTERN, SYMBOL_RULE } from '../../common/pipes/parse-symbol.pipe';

export class DataExportQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  offset?: number;

  @ApiPropertyOptional({ example: 'BTC' })
  @IsOptional()
  @Transform(toUpperCase)
  @Matches(SYMBOL_PATTERN, { message: `symbol ${SYMBOL_RULE}` })
  symbol?: string;

  @ApiPropertyOptional({ example: 'coinpaprika' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9_-]{1,32}$/, { message: 'source must be a source name such as coinpaprika' })
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
