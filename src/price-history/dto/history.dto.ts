import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDate, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { DATE_RULE, toDate, toInteger } from '../../common/dto/query-transforms';

export class HistoryQuery {
  @ApiPropertyOptional({
    description: 'ISO 8601 or epoch ms (inclusive)',
    example: '2026-11-01T00:00:00Z',
  })
  @IsOptional()
  @Transform(toDate)
  @IsDate({ message: `start_date ${DATE_RULE}` })
  start_date?: Date;

  @ApiPropertyOptional({
    description: 'ISO 8601 or epoch ms (inclusive)',
    example: '1795392000000',
  })
  @IsOptional()
  @Transform(toDate)
  @IsDate({ message: `end_date ${DATE_RULE}` })
  end_date?: Date;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc' })
  @IsOptional()
  @IsIn(['asc', 'desc'], { message: 'order must be one of: asc, desc' })
  order?: 'asc' | 'desc';

  @ApiPropertyOptional({ example: 'coingecko', description: 'Only snapshots from this source' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9_-]{1,32}$/, { message: 'source must be a source name such as coingecko' })
  source?: string;
}

export class HistoryPointDto {
  @ApiProperty({ example: 97000.12 })
  price!: number;

  @ApiProperty({ example: 1_920_000_000_000, nullable: true, type: Number })
  market_cap!: number | null;

  @ApiProperty({ example: 45_000_000_000, nullable: true, type: Number })
  total_volume!: number | null;

  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' })
  timestamp!: string;

  @ApiProperty({ example: 'coingecko' })
  source!: string;
}

export class HistoryDto {
  @ApiProperty({ example: 'BTC' })
  symbol!: string;

  @ApiProperty({ type: [HistoryPointDto] })
  items!: HistoryPointDto[];

  @ApiProperty({ example: 1440, description: 'Snapshots in the range, across all pages' })
  total!: number;
}
