import { ApiProperty } from '@nestjs/swagger';

/** An asset in the CoinGecko `/coins/markets` vocabulary. Amounts in the request's vs_currency (default USD). */
export class CryptocurrencyDto {
  @ApiProperty({ example: 'BTC' })
  symbol!: string;

  @ApiProperty({ example: 'Bitcoin' })
  name!: string;

  @ApiProperty({ example: 'bitcoin', nullable: true, type: String })
  slug!: string | null;

  @ApiProperty({
    example: 'https://assets.coingecko.com/coins/images/1/large/bitcoin.png',
    nullable: true,
    type: String,
  })
  image!: string | null;

  @ApiProperty({ example: 97000.12, nullable: true, type: Number })
  current_price!: number | null;

  @ApiProperty({ example: 1_920_000_000_000, nullable: true, type: Number })
  market_cap!: number | null;

  @ApiProperty({ example: 1, nullable: true, type: Number })
  market_cap_rank!: number | null;

  @ApiProperty({ example: 2_030_000_000_000, nullable: true, type: Number })
  fully_diluted_valuation!: number | null;

  @ApiProperty({ example: 45_000_000_000, nullable: true, type: Number })
  total_volume!: number | null;

  @ApiProperty({ example: 98000, nullable: true, type: Number })
  high_24h!: number | null;

  @ApiProperty({ example: 95500, nullable: true, type: Number })
  low_24h!: number | null;

  @ApiProperty({ example: 1250.5, nullable: true, type: Number })
  price_change_24h!: number | null;

  @ApiProperty({ example: 0.12, nullable: true, type: Number })
  price_change_percentage_1h!: number | null;

  @ApiProperty({ example: 1.3, nullable: true, type: Number })
  price_change_percentage_24h!: number | null;

  @ApiProperty({ example: -2.4, nullable: true, type: Number })
  price_change_percentage_7d!: number | null;

  @ApiProperty({ example: 8.9, nullable: true, type: Number })
  price_change_percentage_30d!: number | null;

  @ApiProperty({ example: 19_800_000, nullable: true, type: Number })
  circulating_supply!: number | null;

  @ApiProperty({ example: 19_800_000, nullable: true, type: Number })
  total_supply!: number | null;

  @ApiProperty({ example: 21_000_000, nullable: true, type: Number })
  max_supply!: number | null;

  @ApiProperty({ example: 108000, nullable: true, type: Number })
  ath!: number | null;

  @ApiProperty({ example: '2025-01-20T09:11:54.494Z', nullable: true, type: String })
  ath_date!: string | null;

  @ApiProperty({ example: 67.81, nullable: true, type: Number })
  atl!: number | null;

  @ApiProperty({ example: '2013-07-06T00:00:00.000Z', nullable: true, type: String })
  atl_date!: string | null;

  @ApiProperty({ example: 'coingecko', description: 'Source of the current values' })
  source!: string;

  @ApiProperty({ example: '2026-11-22T10:00:00.000Z', nullable: true, type: String })
  last_updated!: string | null;
}

export class ProviderIdsDto {
  @ApiProperty({ example: 'bitcoin', nullable: true, type: String })
  coingecko!: string | null;

  @ApiProperty({ example: 1, nullable: true, type: Number })
  coinmarketcap!: number | null;

  @ApiProperty({ example: 'btc-bitcoin', nullable: true, type: String })
  coinpaprika!: string | null;
}

export class CryptocurrencyDetailDto extends CryptocurrencyDto {
  @ApiProperty({
    example: 'usd',
    description: "Currency of every amount (the request's vs_currency)",
  })
  vs_currency!: string;

  @ApiProperty({ example: 'The first decentralised cryptocurrency.', nullable: true, type: String })
  description!: string | null;

  @ApiProperty({ example: 'https://bitcoin.org', nullable: true, type: String })
  website!: string | null;

  @ApiProperty({ type: ProviderIdsDto })
  provider_ids!: ProviderIdsDto;

  @ApiProperty({ example: true })
  is_active!: boolean;

  @ApiProperty({ example: '2026-11-01T00:00:00.000Z' })
  created_at!: string;
}

export class CryptocurrencyPageDto {
  @ApiProperty({
    example: 'usd',
    description: "Currency of every amount (the request's vs_currency)",
  })
  vs_currency!: string;

  @ApiProperty({ type: [CryptocurrencyDto] })
  items!: CryptocurrencyDto[];

  @ApiProperty({ example: 250, description: 'Rows matching the filters, across all pages' })
  total!: number;

  @ApiProperty({ example: 1 })
  page!: number;

  @ApiProperty({ example: 100 })
  per_page!: number;

  @ApiProperty({ example: true })
  has_next!: boolean;

  @ApiProperty({ example: false })
  has_prev!: boolean;
}

export class TopCryptocurrenciesDto {
  @ApiProperty({
    example: 'usd',
    description: "Currency of every amount (the request's vs_currency)",
  })
  vs_currency!: string;

  @ApiProperty({ enum: ['market_cap', 'volume', 'gainers', 'losers'], example: 'gainers' })
  category!: string;

  @ApiProperty({ type: [CryptocurrencyDto] })
  items!: CryptocurrencyDto[];
}
