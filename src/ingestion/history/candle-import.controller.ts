import { Body, Controller, HttpCode, HttpStatus, Post, Query, UseGuards } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { ApiKeyGuard, RequireRole } from '../../auth/api-key.guard';
import { AppException } from '../../common/errors/app.exception';
import { ErrorCode } from '../../common/errors/error-code';
import { ApiProblems } from '../../common/http/api-problem.decorator';
import { FILE_CONTENT_TYPES } from '../../common/http/file-bodies';
import { SyncRateLimited } from '../../common/rate-limit/rate-limit.guard';
import { CandleImportQuery, CandleImportResultDto } from '../dto/candle-import.dto';
import { runFailedException } from '../run-failure';
import { CandleImportService } from './candle-import.service';

const gunzipAsync = promisify(gunzip);

interface ImportDetails {
  layout: string;
  timeframe: string;
  first: string;
  last: string;
  source: string;
  rejected: { at: string; reason: string }[];
}

/** The admin sync path for history files: the file is the body, as `npm run import:candles` reads it. */
@ApiTags('ingestion')
@ApiSecurity('api-key')
@Controller('api/v1/cryptocurrencies/sync')
export class CandleImportController {
  constructor(private readonly importer: CandleImportService) {}

  @Post('candles')
  @HttpCode(HttpStatus.OK)
  @SyncRateLimited()
  @UseGuards(ApiKeyGuard)
  @RequireRole('admin')
  @ApiOperation({
    summary: 'Import historical candles from a file (admin)',
    description:
      'The body is the file: Yahoo-style CSV (Date,Open,High,Low,Close,Volume in any order), ' +
      'Binance kline CSV, or CoinGecko-style JSON ([ms, price] points or a market_chart), plain ' +
      'or gzipped, up to IMPORT_BODY_LIMIT_BYTES. Candle width (1m, 1h, 1d) is read from the ' +
      'times. Bad rows are rejected by line, the rest stored with the checkpoint in one ' +
      'transaction; the run is recorded like any other.',
  })
  @ApiConsumes(...FILE_CONTENT_TYPES)
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiOkResponse({ type: CandleImportResultDto })
  @ApiProblems(400, 401, 403, 413, 415, 429, 500, 503)
  async import(
    @Query() query: CandleImportQuery,
    @Body() body: unknown,
  ): Promise<CandleImportResultDto> {
    if (!Buffer.isBuffer(body) || body.length === 0) {
      throw new AppException(
        ErrorCode.BadRequest,
        `Send the file as the body, with Content-Type ${FILE_CONTENT_TYPES.join(', ')}`,
      );
    }
    const text =
      body[0] === 0x1f && body[1] === 0x8b
        ? (
            await gunzipAsync(body).catch(() => {
              throw new AppException(ErrorCode.BadRequest, 'The body is not valid gzip');
            })
          ).toString('utf8')
        : body.toString('utf8');
    const symbol = query.symbol.toUpperCase();
    const run = await this.importer.import({
      text,
      file: `upload (${body.length} bytes)`,
      symbol,
      source: query.source,
      trigger: 'manual',
      volumeIn: query.volume ?? 'base',
    });
    const details = run.details as unknown as ImportDetails;
    if (run.status === 'failed') throw runFailedException(run, `Import of ${symbol} candles`);
    return {
      run_id: run.id,
      status: run.status,
      symbol,
      source: details.source,
      layout: details.layout,
      timeframe: details.timeframe,
      first: details.first,
      last: details.last,
      created_count: run.createdCount,
      updated_count: run.updatedCount,
      rejected_count: run.skippedCount,
      rejected: details.rejected,
      duration_ms: run.durationMs ?? 0,
    };
  }
}
