import { Controller, Get, HttpCode, HttpStatus, Query, UseFilters } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CacheResponse } from '../common/cache/cache-scope.decorator';
import {
  ApiCoinGeckoErrors,
  CoinGeckoErrorDto,
  CoinGeckoErrorFilter,
} from './coingecko-error.filter';
import { SimplePriceQuery, SearchQuery } from './dto/v3-queries';
import {
  ExchangeRateDto,
  ExchangeRatesDto,
  GlobalDto,
  PingDto,
  SIMPLE_PRICE_SCHEMA,
  SearchDto,
} from './dto/v3-responses';
import { SimpleV3Service } from './simple-v3.service';

/** CoinGecko API v3: ping, simple prices, currencies, search, global, exchange rates. */
@ApiTags('coingecko-compatible')
@ApiExtraModels(CoinGeckoErrorDto, ExchangeRateDto)
@UseFilters(CoinGeckoErrorFilter)
@Controller('api/v3')
export class SimpleV3Controller {
  constructor(private readonly simple: SimpleV3Service) {}

  @Get('ping')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Whether the API answers' })
  @ApiOkResponse({ type: PingDto })
  ping(): PingDto {
    return { gecko_says: '(V3) To the Moon!' };
  }

  @Get('simple/price')
  @HttpCode(HttpStatus.OK)
  @CacheResponse('listing')
  @ApiOperation({ summary: 'Prices of coins in currencies, with caps, volumes and changes' })
  @ApiOkResponse({ schema: SIMPLE_PRICE_SCHEMA })
  @ApiCoinGeckoErrors(400)
  price(@Query() query: SimplePriceQuery): Promise<Record<string, Record<string, number | null>>> {
    return this.simple.price(query);
  }

  @Get('simple/supported_vs_currencies')
  @HttpCode(HttpStatus.OK)
  @CacheResponse('listing')
  @ApiOperation({ summary: 'Currencies prices can be given in' })
  @ApiOkResponse({ type: [String] })
  supportedVsCurrencies(): Promise<string[]> {
    return this.simple.supportedVsCurrencies();
  }

  @Get('search')
  @HttpCode(HttpStatus.OK)
  @CacheResponse('listing')
  @ApiOperation({ summary: 'Coins whose id, symbol or name contains the query' })
  @ApiOkResponse({ type: SearchDto })
  @ApiCoinGeckoErrors(400)
  search(@Query() query: SearchQuery): Promise<SearchDto> {
    return this.simple.search(query);
  }

  @Get('global')
  @HttpCode(HttpStatus.OK)
  @CacheResponse('listing')
  @ApiOperation({ summary: 'Total market cap and volume in every currency, market shares' })
  @ApiOkResponse({ type: GlobalDto })
  global(): Promise<GlobalDto> {
    return this.simple.global();
  }

  @Get('exchange_rates')
  @HttpCode(HttpStatus.OK)
  @CacheResponse('listing')
  @ApiOperation({ summary: 'Units of every supported currency per bitcoin' })
  @ApiOkResponse({ type: ExchangeRatesDto })
  @ApiCoinGeckoErrors(503)
  exchangeRates(): Promise<ExchangeRatesDto> {
    return this.simple.exchangeRates();
  }
}
