import { Controller, Get, HttpCode, HttpStatus, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CacheResponse } from '../common/cache/cache-scope.decorator';
import { ApiProblems } from '../common/http/api-problem.decorator';
import { ParseSymbolPipe } from '../common/pipes/parse-symbol.pipe';
import { CryptocurrenciesService } from './cryptocurrencies.service';
import {
  CryptocurrencyDetailDto,
  CryptocurrencyPageDto,
  TopCryptocurrenciesDto,
} from './dto/cryptocurrency.dto';
import {
  ListCryptocurrenciesQuery,
  TopCryptocurrenciesQuery,
} from './dto/list-cryptocurrencies.query';
import { TopCategoryParams } from './dto/top-category.params';
import { VsCurrencyQuery } from '../currencies/dto/vs-currency.query';

@ApiTags('cryptocurrencies')
@Controller('api/v1/cryptocurrencies')
export class CryptocurrenciesController {
  constructor(private readonly cryptocurrencies: CryptocurrenciesService) {}

  @Get()
  @HttpCode(HttpStatus.OK)
  @CacheResponse('listing')
  @ApiOperation({ summary: 'List assets with filters, sorting and pagination' })
  @ApiOkResponse({ type: CryptocurrencyPageDto })
  @ApiProblems(400)
  list(@Query() query: ListCryptocurrenciesQuery): Promise<CryptocurrencyPageDto> {
    return this.cryptocurrencies.list(query);
  }

  @Get('top/:category')
  @HttpCode(HttpStatus.OK)
  @CacheResponse('listing')
  @ApiOperation({ summary: 'Top assets by market cap, volume, 24 h gain or 24 h loss' })
  @ApiOkResponse({ type: TopCryptocurrenciesDto })
  @ApiProblems(400)
  top(
    @Param() params: TopCategoryParams,
    @Query() query: TopCryptocurrenciesQuery,
  ): Promise<TopCryptocurrenciesDto> {
    return this.cryptocurrencies.top(params.category, query);
  }

  @Get(':symbol')
  @HttpCode(HttpStatus.OK)
  @CacheResponse('symbol')
  @ApiOperation({ summary: 'Full record of one asset' })
  @ApiParam({ name: 'symbol', example: 'BTC', description: '1–20 letters or digits, any case' })
  @ApiOkResponse({ type: CryptocurrencyDetailDto })
  @ApiProblems(400, 404)
  get(
    @Param('symbol', ParseSymbolPipe) symbol: string,
    @Query() query: VsCurrencyQuery,
  ): Promise<CryptocurrencyDetailDto> {
    return this.cryptocurrencies.get(symbol, query.vs_currency);
  }
}
