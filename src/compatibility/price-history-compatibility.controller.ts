import { Controller, Get, HttpCode, HttpStatus, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CacheResponse } from '../common/cache/cache-scope.decorator';
import { ApiProblems } from '../common/http/api-problem.decorator';
import { ParseSymbolPipe } from '../common/pipes/parse-symbol.pipe';
import {
  HistoricalQuery,
  HistoricalWindowDto,
  LatestWindowDto,
  MarketOhlcDto,
  MarketOhlcQuery,
  MarketPriceDto,
  MarketPriceQuery,
} from './dto/price-history-compatibility.dto';
import { OhlcService } from '../price-history/ohlc.service';
import { PriceHistoryService } from '../price-history/price-history.service';
import { PriceWindowsService } from './price-windows.service';

/** Routes of the systems this product replaces, served from the same services. */
@ApiTags('compatibility')
@ApiProblems(400, 404)
@Controller('api')
export class PriceHistoryCompatibilityController {
  constructor(
    private readonly priceHistory: PriceHistoryService,
    private readonly ohlcService: OhlcService,
    private readonly windows: PriceWindowsService,
  ) {}

  @Get('market/price')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Latest price (data server)' })
  @ApiOkResponse({ type: MarketPriceDto })
  async price(@Query() query: MarketPriceQuery): Promise<MarketPriceDto> {
    const { symbol, price, timestamp, source } = await this.priceHistory.latestPrice(query.symbol);
    // In USD (no vs_currency here) a latest price always has its number.
    return { symbol, price: price!, timestamp, source };
  }

  @Get('market/ohlc')
  @HttpCode(HttpStatus.OK)
  @CacheResponse('symbol')
  @ApiOperation({ summary: 'OHLC candles (data server)' })
  @ApiOkResponse({ type: MarketOhlcDto })
  async ohlc(@Query() query: MarketOhlcQuery): Promise<MarketOhlcDto> {
    const timeframe = query.timeframe ?? '1h';
    const { candles } = await this.ohlcService.series(query.symbol, timeframe, {
      limit: query.limit,
    });
    return {
      symbol: query.symbol,
      timeframe,
      // In USD (no vs_currency here) every stored candle has its prices.
      ohlc: candles.map(({ timestamp, open, high, low, close, volume }) => ({
        timestamp,
        open: open!,
        high: high!,
        low: low!,
        close: close!,
        volume,
      })),
    };
  }

  @Get('v1/latest/:symbol')
  @HttpCode(HttpStatus.OK)
  @CacheResponse('symbol')
  @ApiOperation({ summary: 'Latest 1-minute window (real-time analyzer)' })
  @ApiParam({ name: 'symbol', example: 'BTC' })
  @ApiOkResponse({ type: LatestWindowDto })
  latest(@Param('symbol', ParseSymbolPipe) symbol: string): Promise<LatestWindowDto> {
    return this.windows.latestWindow(symbol);
  }

  @Get('v1/historical/:symbol')
  @HttpCode(HttpStatus.OK)
  @CacheResponse('symbol')
  @ApiOperation({ summary: '1-minute windows, newest first (real-time analyzer)' })
  @ApiParam({ name: 'symbol', example: 'BTC' })
  @ApiOkResponse({
    type: [HistoricalWindowDto],
    headers: {
      'X-Total-Count': { description: 'Windows in the range', schema: { type: 'integer' } },
      'X-Has-More': { description: 'true when another page follows', schema: { type: 'boolean' } },
    },
  })
  async historical(
    @Param('symbol', ParseSymbolPipe) symbol: string,
    @Query() query: HistoricalQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<HistoricalWindowDto[]> {
    const { items, total, hasMore } = await this.windows.historical(symbol, query);
    void reply.header('x-total-count', String(total)).header('x-has-more', String(hasMore));
    return items;
  }
}
