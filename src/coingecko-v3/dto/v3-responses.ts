// Response shapes of the CoinGecko-compatible routes (docs.coingecko.com v3 reference), for
// the OpenAPI document. Amounts are in the request's vs_currency.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const numberMap = {
  type: 'object',
  additionalProperties: { type: 'number', nullable: true },
} as const;
const textMap = {
  type: 'object',
  additionalProperties: { type: 'string', nullable: true },
} as const;
const points = {
  type: 'array',
  items: { type: 'array', items: { type: 'number', nullable: true } },
} as const;
const N = { type: Number, nullable: true } as const;
const S = { type: String, nullable: true } as const;

export class PingDto {
  @ApiProperty({ example: '(V3) To the Moon!' })
  gecko_says!: string;
}

export class CoinListItemDto {
  @ApiProperty({ example: 'bitcoin' })
  id!: string;

  @ApiProperty({ example: 'btc' })
  symbol!: string;

  @ApiProperty({ example: 'Bitcoin' })
  name!: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  platforms?: Record<string, string>;
}

export class SparklineDto {
  @ApiProperty({ type: [Number], description: 'Hourly closes of the last 7 days, oldest first' })
  price!: number[];
}

export class MarketCoinDto {
  @ApiProperty({ example: 'bitcoin' }) id!: string;
  @ApiProperty({ example: 'btc' }) symbol!: string;
  @ApiProperty({ example: 'Bitcoin' }) name!: string;
  @ApiProperty({ example: 'https://assets.coingecko.com/coins/images/1/large/bitcoin.png' })
  image!: string;
  @ApiProperty(N) current_price!: number | null;
  @ApiProperty(N) market_cap!: number | null;
  @ApiProperty(N) market_cap_rank!: number | null;
  @ApiProperty(N) fully_diluted_valuation!: number | null;
  @ApiProperty(N) total_volume!: number | null;
  @ApiProperty(N) high_24h!: number | null;
  @ApiProperty(N) low_24h!: number | null;
  @ApiProperty(N) price_change_24h!: number | null;
  @ApiProperty(N) price_change_percentage_24h!: number | null;
  @ApiProperty(N) market_cap_change_24h!: number | null;
  @ApiProperty(N) market_cap_change_percentage_24h!: number | null;
  @ApiProperty(N) circulating_supply!: number | null;
  @ApiProperty(N) total_supply!: number | null;
  @ApiProperty(N) max_supply!: number | null;
  @ApiProperty(N) ath!: number | null;
  @ApiProperty(N) ath_change_percentage!: number | null;
  @ApiProperty(S) ath_date!: string | null;
  @ApiProperty(N) atl!: number | null;
  @ApiProperty(N) atl_change_percentage!: number | null;
  @ApiProperty(S) atl_date!: string | null;
  @ApiProperty({ type: Object, nullable: true, example: null }) roi!: null;
  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' }) last_updated!: string;
  @ApiPropertyOptional({ type: SparklineDto }) sparkline_in_7d?: SparklineDto;
  @ApiPropertyOptional(N) price_change_percentage_1h_in_currency?: number | null;
  @ApiPropertyOptional(N) price_change_percentage_24h_in_currency?: number | null;
  @ApiPropertyOptional(N) price_change_percentage_7d_in_currency?: number | null;
  @ApiPropertyOptional(N) price_change_percentage_14d_in_currency?: number | null;
  @ApiPropertyOptional(N) price_change_percentage_30d_in_currency?: number | null;
  @ApiPropertyOptional(N) price_change_percentage_200d_in_currency?: number | null;
  @ApiPropertyOptional(N) price_change_percentage_1y_in_currency?: number | null;
}

export class MarketDataDto {
  @ApiProperty(numberMap) current_price!: Record<string, number | null>;
  @ApiProperty(numberMap) market_cap!: Record<string, number | null>;
  @ApiProperty(numberMap) fully_diluted_valuation!: Record<string, number | null>;
  @ApiProperty(numberMap) total_volume!: Record<string, number | null>;
  @ApiProperty(numberMap) high_24h!: Record<string, number | null>;
  @ApiProperty(numberMap) low_24h!: Record<string, number | null>;
  @ApiProperty(numberMap) ath!: Record<string, number | null>;
  @ApiProperty(numberMap) ath_change_percentage!: Record<string, number | null>;
  @ApiProperty(textMap) ath_date!: Record<string, string | null>;
  @ApiProperty(numberMap) atl!: Record<string, number | null>;
  @ApiProperty(numberMap) atl_change_percentage!: Record<string, number | null>;
  @ApiProperty(textMap) atl_date!: Record<string, string | null>;
  @ApiProperty(numberMap) price_change_24h_in_currency!: Record<string, number | null>;
  @ApiProperty(numberMap) price_change_percentage_1h_in_currency!: Record<string, number | null>;
  @ApiProperty(numberMap) price_change_percentage_24h_in_currency!: Record<string, number | null>;
  @ApiProperty(numberMap) price_change_percentage_7d_in_currency!: Record<string, number | null>;
  @ApiProperty(numberMap) price_change_percentage_30d_in_currency!: Record<string, number | null>;
  @ApiProperty(N) price_change_24h!: number | null;
  @ApiProperty(N) price_change_percentage_24h!: number | null;
  @ApiProperty(N) price_change_percentage_7d!: number | null;
  @ApiProperty(N) price_change_percentage_30d!: number | null;
  @ApiProperty(N) market_cap_rank!: number | null;
  @ApiProperty(N) circulating_supply!: number | null;
  @ApiProperty(N) total_supply!: number | null;
  @ApiProperty(N) max_supply!: number | null;
  @ApiProperty(S) last_updated!: string | null;
  @ApiPropertyOptional({ type: [Number] }) sparkline_7d?: number[];
}

export class CoinImageDto {
  @ApiProperty() thumb!: string;
  @ApiProperty() small!: string;
  @ApiProperty() large!: string;
}

export class CoinLinksDto {
  @ApiProperty({ type: [String] }) homepage!: string[];
}

export class CoinDetailDto {
  @ApiProperty({ example: 'bitcoin' }) id!: string;
  @ApiProperty({ example: 'btc' }) symbol!: string;
  @ApiProperty({ example: 'Bitcoin' }) name!: string;
  @ApiProperty({ example: 'bitcoin' }) web_slug!: string;
  @ApiProperty(S) asset_platform_id!: null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  platforms!: Record<string, string>;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'object' } })
  detail_platforms!: Record<string, never>;
  @ApiProperty() block_time_in_minutes!: number;
  @ApiProperty(S) hashing_algorithm!: null;
  @ApiProperty({ type: [String] }) categories!: string[];
  @ApiProperty() preview_listing!: boolean;
  @ApiProperty(S) public_notice!: null;
  @ApiProperty({ type: [String] }) additional_notices!: string[];
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  localization?: Record<string, string>;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  description!: Record<string, string>;
  @ApiProperty({ type: CoinLinksDto }) links!: CoinLinksDto;
  @ApiProperty({ type: CoinImageDto }) image!: CoinImageDto;
  @ApiProperty() country_origin!: string;
  @ApiProperty(S) genesis_date!: null;
  @ApiProperty(N) sentiment_votes_up_percentage!: null;
  @ApiProperty(N) sentiment_votes_down_percentage!: null;
  @ApiProperty() watchlist_portfolio_users!: number;
  @ApiProperty(N) market_cap_rank!: number | null;
  @ApiProperty(N) market_cap_rank_with_rehypothecated!: number | null;
  @ApiProperty() has_supply_breakdown!: boolean;
  @ApiProperty({ type: [Object] }) status_updates!: never[];
  @ApiPropertyOptional({ type: MarketDataDto }) market_data?: MarketDataDto;
  @ApiPropertyOptional({ type: [Object] }) tickers?: never[];
  @ApiProperty() last_updated!: string;
}

export class MarketChartDto {
  @ApiProperty({ ...points, description: '[unix ms, price]' }) prices!: (number | null)[][];
  @ApiProperty({ ...points, description: '[unix ms, market cap]' }) market_caps!: (
    number | null
  )[][];
  @ApiProperty({ ...points, description: '[unix ms, 24 h volume]' }) total_volumes!: (
    number | null
  )[][];
}

export class SearchCoinDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() api_symbol!: string;
  @ApiProperty() symbol!: string;
  @ApiProperty(N) market_cap_rank!: number | null;
  @ApiProperty() thumb!: string;
  @ApiProperty() large!: string;
}

export class SearchDto {
  @ApiProperty({ type: [SearchCoinDto] }) coins!: SearchCoinDto[];
  @ApiProperty({ type: [Object] }) exchanges!: never[];
  @ApiProperty({ type: [Object] }) icos!: never[];
  @ApiProperty({ type: [Object] }) categories!: never[];
  @ApiProperty({ type: [Object] }) nfts!: never[];
}

export class GlobalDataDto {
  @ApiProperty() active_cryptocurrencies!: number;
  @ApiProperty() upcoming_icos!: number;
  @ApiProperty() ongoing_icos!: number;
  @ApiProperty() ended_icos!: number;
  @ApiProperty({ description: 'Exchanges tracked (none: this service aggregates providers)' })
  markets!: number;
  @ApiProperty(numberMap) total_market_cap!: Record<string, number | null>;
  @ApiProperty(numberMap) total_volume!: Record<string, number | null>;
  @ApiProperty(numberMap) market_cap_percentage!: Record<string, number | null>;
  @ApiProperty(N) market_cap_change_percentage_24h_usd!: number | null;
  @ApiProperty(N) volume_change_percentage_24h_usd!: number | null;
  @ApiProperty({ description: 'Unix seconds' }) updated_at!: number;
}

export class GlobalDto {
  @ApiProperty({ type: GlobalDataDto }) data!: GlobalDataDto;
}

export class ExchangeRateDto {
  @ApiProperty({ example: 'Euro' }) name!: string;
  @ApiProperty({ example: 'EUR' }) unit!: string;
  @ApiProperty({ example: 92150.5, description: 'Units per bitcoin' }) value!: number;
  @ApiProperty({ enum: ['crypto', 'fiat', 'commodity'] }) type!: string;
}

export class ExchangeRatesDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/ExchangeRateDto' },
  })
  rates!: Record<string, ExchangeRateDto>;
}

export const SIMPLE_PRICE_SCHEMA = {
  type: 'object',
  additionalProperties: numberMap,
  example: { bitcoin: { usd: 97000, usd_market_cap: 1.92e12, last_updated_at: 1795392000 } },
} as const;
export const OHLC_SCHEMA = {
  ...points,
  example: [[1795392000000, 96500.5, 97200, 96100.25, 97000.12]],
};
