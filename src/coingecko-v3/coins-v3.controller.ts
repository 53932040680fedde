import { Controller, Get, HttpCode, HttpStatus, Param, Query, UseFilters } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CacheResponse } from '../common/cache/cache-scope.decorator';
import { ChartsV3Service } from './charts-v3.service';
import { ApiCoinGeckoErrors, CoinGeckoErrorFilter } from './coingecko-error.filter';
import { CoinsV3Service } from './coins-v3.service';
import { SimpleV3Service } from './simple-v3.service';
import {
  CoinQuery,
  CoinsListQuery,
  MarketChartQuery,
  MarketChartRangeQuery,
  MarketsQuery,
  OhlcQueryV3,
} from './dto/v3-queries';
import {
  CoinDetailDto,
  CoinListItemDto,
  MarketChartDto,
  MarketCoinDto,
  OHLC_SCHEMA,
} from './dto/v3-responses';

/** CoinGecko API v3 `/coins/*`, served from this service's data (docs/http-api.md). */
@ApiTags('coingecko-compatible')
@UseFilters(CoinGeckoErrorFilter)
@ApiCoinGeckoErrors(400)
@Controller('api/v3/coins')
export class CoinsV3Controller {
  constructor(
    private readonly coins: CoinsV3Service,
    private readonly charts: ChartsV3Service,
    private readonly simple: SimpleV3Service,
  ) {}

  @Get('list')
  @HttpCode(HttpStatus.OK)
  @CacheResponse('listing')
  @ApiOperation({ summary: 'Every coin: id, symbol, name' })
  @ApiOkResponse({ type: [CoinListItemDto] })
  list(@Query() query: CoinsListQuery): Promise<CoinListItemDto[]> {
    return this.simple.list(query);
  }

  @Get('markets')
  @HttpCode(HttpStatus.OK)
  @CacheResponse('listing')
  @ApiOperation({ summary: 'Coins with market data in a currency, paged and ordered' })
  @ApiOkResponse({ type: [MarketCoinDto] })
  markets(@Query() query: MarketsQuery): Promise<MarketCoinDto[]> {
    return this.coins.markets(query);
  }

  @Get(':id')
  @HttpCode(HttpStatus.OK)
  @CacheResponse('listing')
  @ApiOperation({ summary: 'One coin, with market data in every supported currency' })
  @ApiParam({ name: 'id', example: 'bitcoin' })
  @ApiOkResponse({ type: CoinDetailDto })
  @ApiCoinGeckoErrors(404)
  coin(@Param('id') id: string, @Query() query: CoinQuery): Promise<CoinDetailDto> {
    return this.coins.coin(id, query);
  }

  @Get(':id/ohlc')
  @HttpCode(HttpStatus.OK)
  @CacheResponse('listing')
  @ApiOperation({ summary: 'OHLC candles: [close time ms, open, high, low, close]' })
  @ApiParam({ name: 'id', example: 'bitcoin' })
  @ApiOkResponse({ schema: OHLC_SCHEMA })
  @ApiCoinGeckoErrors(404)
  ohlc(@Param('id') id: string, @Query() query: OhlcQueryV3): Promise<(number | null)[][]> {
    return this.charts.ohlc(id, query);
  }

  @Get(':id/market_chart')
  @HttpCode(HttpStatus.OK)
  @CacheResponse('listing')
  @ApiOperation({ summary: 'Prices, market caps and 24 h volumes over the last days' })
  @ApiParam({ name: 'id', example: 'bitcoin' })
  @ApiOkResponse({ type: MarketChartDto })
  @ApiCoinGeckoErrors(404)
  marketChart(@Param('id') id: string, @Query() query: MarketChartQuery): Promise<MarketChartDto> {
    return this.charts.marketChart(id, query);
  }

  @Get(':id/market_chart/range')
  @HttpCode(HttpStatus.OK)
  @CacheResponse('listing')
  @ApiOperation({ summary: 'Prices, market caps and 24 h volumes between two instants' })
  @ApiParam({ name: 'id', example: 'bitcoin' })
  @ApiOkResponse({ type: MarketChartDto })
  @ApiCoinGeckoErrors(404)
  marketChartRange(
    @Param('id') id: string,
    @Query() query: MarketChartRangeQuery,
  ): Promise<MarketChartDto> {
    return this.charts.marketChartRange(id, query);
  }
}
