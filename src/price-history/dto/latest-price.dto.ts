import { ApiProperty } from '@nestjs/swagger';

export class LatestPriceDto {
  @ApiProperty({ example: 'BTC' })
  symbol!: string;

  @ApiProperty({ example: 'usd', description: "Currency of the price (the request's vs_currency)" })
  vs_currency!: string;

  @ApiProperty({
    example: 97000.12,
    nullable: true,
    type: Number,
    description: 'null when vs_currency has no rate for the price’s day',
  })
  price!: number | null;

  @ApiProperty({ example: 1_795_392_000_000, description: 'When the price was observed, epoch ms' })
  timestamp!: number;

  @ApiProperty({ example: 'binance' })
  source!: string;

  @ApiProperty({ example: '2026-11-22T10:00:00.000Z', description: 'timestamp as ISO 8601' })
  as_of!: string;

  @ApiProperty({ example: 1250, description: 'Age of the price when served, ms' })
  age_ms!: number;

  @ApiProperty({ example: false, description: 'true when older than PRICE_STALE_SECONDS' })
  stale!: boolean;
}
