import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, Matches } from 'class-validator';
import { IntegerParam } from '../../common/dto/query-params';

const toBoolean = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

export class SyncQuery {
  @ApiPropertyOptional({
    example: 'csv',
    description: 'An enabled provider (default: the first in INGESTION_PROVIDERS)',
  })
  @IsOptional()
  @Matches(/^[a-z0-9_-]{1,32}$/, { message: 'provider must be a provider name such as csv' })
  provider?: string;

  @IntegerParam(1, 5_000, {
    description:
      'How many assets to fetch, for sources that page (CoinGecko default 100; CSV reads the whole file)',
  })
  limit?: number;

  @ApiPropertyOptional({
    type: Boolean,
    default: true,
    description: 'false: answer 202 with the run id at once',
  })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'wait must be true or false' })
  wait?: boolean;
}

export class SyncResultDto {
  @ApiProperty({ example: 'Sync of csv finished: success' })
  message!: string;

  @ApiProperty({ example: '0b6f8f7e-2f5c-4f38-9a36-6a1f1e0c2b7d' })
  run_id!: string;

  @ApiProperty({ example: 'csv' })
  provider!: string;

  @ApiProperty({ example: 'success' })
  status!: string;

  @ApiProperty({ example: 25 })
  created_count!: number;

  @ApiProperty({ example: 0 })
  updated_count!: number;

  @ApiProperty({ example: 0 })
  skipped_count!: number;

  @ApiProperty({ example: 120, nullable: true, type: Number })
  duration_ms!: number | null;

  @ApiProperty({ example: '2026-11-22T10:00:00.120Z' })
  timestamp!: string;
}
