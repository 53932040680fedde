import { Controller, Get, HttpCode, HttpStatus, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CacheResponse } from '../common/cache/cache-scope.decorator';
import { ApiProblems } from '../common/http/api-problem.decorator';
import { ParseSymbolPipe } from '../common/pipes/parse-symbol.pipe';
import { HistoryDto, HistoryQuery } from './dto/history.dto';
import { IndicatorsDto, IndicatorsQuery } from './dto/indicators.dto';
import { LatestPriceDto } from './dto/latest-price.dto';
import { OhlcDto, OhlcQuery } from './dto/ohlc.dto';
import { OhlcService } from './ohlc.service';
import { PriceHistoryService } from './price-history.service';

/** Time series of one asset: snapshots, candles, latest price, indicators. */
@ApiTags('price-history')
@ApiParam({ name: 'symbol', example: 'BTC', description: '1–20 letters or digits, any case' })
@ApiProblems(400, 404)
@Controller('api/v1/cryptocurrencies/:symbol')
export class PriceHistoryController {
  constructor(
    private readonly priceHistory: PriceHistoryService,
    private readonly ohlcService: OhlcService,
  ) {}

  @Get('history')
  @HttpCode(HttpStatus.OK)
  @CacheResponse('symbol')
  @ApiOperation({ summary: 'Price snapshots in a time range' })
  @ApiOkResponse({ type: HistoryDto })
  history(
    @Param('symbol', ParseSymbolPipe) symbol: string,
    @Query() query: HistoryQuery,
  ): Promise<HistoryDto> {
    return this.priceHistory.history(symbol, query);
  }

  @Get('ohlc')
  @HttpCode(HttpStatus.OK)
  @CacheResponse('symbol')
  @ApiOperation({
    summary: 'OHLCV candles from 1m to 1w, with gaps listed (and optionally filled)',
  })
  @ApiOkResponse({ type: OhlcDto })
  ohlc(
    @Param('symbol', ParseSymbolPipe) symbol: string,
    @Query() query: OhlcQuery,
  ): Promise<OhlcDto> {
    return this.ohlcService.ohlc(symbol, query);
  }

  @Get('price')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Latest price, with its age and a stale flag' })
  @ApiOkResponse({ type: LatestPriceDto })
  price(@Param('symbol', ParseSymbolPipe) symbol: string): Promise<LatestPriceDto> {
    return this.priceHistory.latestPrice(symbol);
  }

  @Get('indicators')
  @HttpCode(HttpStatus.OK)
  @CacheResponse('symbol')
  @ApiOperation({
    summary: 'SMA, EMA, RSI, MACD and Bollinger bands over the candles of a timeframe',
  })
  @ApiOkResponse({ type: IndicatorsDto })
  indicators(
    @Param('symbol', ParseSymbolPipe) symbol: string,
    @Query() query: IndicatorsQuery,
  ): Promise<IndicatorsDto> {
    return this.ohlcService.indicators(symbol, query);
  }
}
