import {
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Query,
  type StreamableFile,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CacheResponse } from '../common/cache/cache-scope.decorator';
import { ApiProblems } from '../common/http/api-problem.decorator';
import { AcceptHeader, CsvAlternative, csvFile, responseFormat } from '../common/http/csv';
import { ParseSymbolPipe } from '../common/pipes/parse-symbol.pipe';
import { HistoryDto, HistoryQuery } from './dto/history.dto';
import { IndicatorsDto, IndicatorsQuery } from './dto/indicators.dto';
import { LatestPriceDto } from './dto/latest-price.dto';
import { OhlcDto, OhlcQuery } from './dto/ohlc.dto';
import { IndicatorsService } from './indicators.service';
import { OhlcService } from './ohlc.service';
import { PriceHistoryService } from './price-history.service';
import { VsCurrencyQuery } from '../currencies/dto/vs-currency.query';

/** Time series of one asset: snapshots, candles, latest price, indicators. */
@ApiTags('price-history')
@ApiParam({ name: 'symbol', example: 'BTC', description: '1–20 letters or digits, any case' })
@ApiProblems(400, 404)
@Controller('api/v1/cryptocurrencies/:symbol')
export class PriceHistoryController {
  constructor(
    private readonly priceHistory: PriceHistoryService,
    private readonly ohlcService: OhlcService,
    private readonly indicatorsService: IndicatorsService,
  ) {}

  @Get('history')
  @HttpCode(HttpStatus.OK)
  @CacheResponse('symbol')
  @ApiOperation({ summary: 'Price snapshots in a time range, as JSON or a CSV file' })
  @CsvAlternative(
    HistoryDto,
    'The snapshots, as JSON or (format=csv, or Accept: text/csv) a streamed CSV file',
    'timestamp,timestamp_ms,price,market_cap,total_volume,source,is_anomaly\r\n' +
      '2026-11-22T10:00:00.000Z,1795341600000,97000.12,1920000000000,45000000000,coingecko,false\r\n',
  )
  async history(
    @Param('symbol', ParseSymbolPipe) symbol: string,
    @Query() query: HistoryQuery,
    @AcceptHeader() accept?: string,
  ): Promise<HistoryDto | StreamableFile> {
    if (responseFormat(query.format, accept) === 'csv') {
      return csvFile(await this.priceHistory.historyCsv(symbol, query));
    }
    return this.priceHistory.history(symbol, query);
  }

  @Get('ohlc')
  @HttpCode(HttpStatus.OK)
  @CacheResponse('symbol')
  @ApiOperation({
    summary: 'OHLCV candles from 1m to 1w, with gaps listed (and optionally filled)',
  })
  @CsvAlternative(
    OhlcDto,
    'The candles, as JSON or (format=csv, or Accept: text/csv) a streamed CSV file without the gaps',
    'timestamp,timestamp_ms,open,high,low,close,volume,trade_count,is_closed,filled,source\r\n' +
      '2026-11-23T00:00:00.000Z,1795392000000,96500.5,97200,96100.25,97000.12,1234.56,8421,true,false,binance\r\n',
  )
  async ohlc(
    @Param('symbol', ParseSymbolPipe) symbol: string,
    @Query() query: OhlcQuery,
    @AcceptHeader() accept?: string,
  ): Promise<OhlcDto | StreamableFile> {
    if (responseFormat(query.format, accept) === 'csv') {
      return csvFile(await this.ohlcService.ohlcCsv(symbol, query));
    }
    return this.ohlcService.ohlc(symbol, query);
  }

  @Get('price')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Latest price, with its age and a stale flag' })
  @ApiOkResponse({ type: LatestPriceDto })
  price(
    @Param('symbol', ParseSymbolPipe) symbol: string,
    @Query() query: VsCurrencyQuery,
  ): Promise<LatestPriceDto> {
    return this.priceHistory.latestPrice(symbol, query.vs_currency);
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
    return this.indicatorsService.indicators(symbol, query);
  }
}
