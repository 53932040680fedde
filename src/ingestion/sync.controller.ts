import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  HttpStatus,
  Post,
  Query,
  Res,
  UseGuards,
} from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiExcludeEndpoint,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiKeyGuard, RequireRole } from '../auth/api-key.guard';
import { SyncRateLimited } from '../common/rate-limit/rate-limit.guard';
import { AppException } from '../common/errors/app.exception';
import { ErrorCode } from '../common/errors/error-code';
import { ApiProblems } from '../common/http/api-problem.decorator';
import { REFUSES_METHOD } from '../common/http/route-methods';
import { SyncQuery, SyncResultDto } from './dto/sync.dto';
import { IngestionJobsService } from './ingestion-jobs.service';

/** The query's and the JSON body's fields, one set: a field given twice must say the same. */
function mergeSyncParameters(query: SyncQuery, body: SyncQuery | undefined): SyncQuery {
  const merged: SyncQuery = { ...query };
  for (const field of ['provider', 'limit', 'wait'] as const) {
    const value = body?.[field];
    if (value === undefined) continue;
    if (query[field] !== undefined && query[field] !== value) {
      throw AppException.validation([
        {
          field,
          message: `${field} is ${String(query[field])} in the query and ${String(value)} in the body`,
        },
      ]);
    }
    (merged as Record<string, unknown>)[field] = value;
  }
  return merged;
}

@ApiTags('ingestion')
@ApiSecurity('api-key')
@Controller('api/v1/cryptocurrencies')
export class SyncController {
  constructor(private readonly jobs: IngestionJobsService) {}

  @Post('sync')
  @HttpCode(HttpStatus.OK)
  @SyncRateLimited()
  @UseGuards(ApiKeyGuard)
  @RequireRole('admin')
  @ApiOperation({ summary: 'Run an ingestion now (admin API key in X-API-Key)' })
  @ApiOkResponse({
    type: SyncResultDto,
    description: 'The run finished (success, partial or skipped)',
  })
  @ApiAcceptedResponse({ type: SyncResultDto, description: 'wait=false: the run started' })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'A retry with the same key replays the stored response (Idempotent-Replayed: true); 409 while the first is running. ' +
      'A key whose holder died is free again after IDEMPOTENCY_LEASE_SECONDS; a 202 whose run failed or died is not replayed',
  })
  @ApiBody({
    type: SyncQuery,
    required: false,
    description: 'The same fields as the query, as JSON; a field given in both must agree',
  })
  @ApiProblems(400, 401, 403, 409, 413, 415, 429, 502, 503, 504)
  async sync(
    @Query() fromQuery: SyncQuery,
    @Body() fromBody: SyncQuery, // a union type would lose the metadata the pipe validates by
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SyncResultDto> {
    const answer = await this.jobs.sync(mergeSyncParameters(fromQuery, fromBody), idempotencyKey);
    void reply.status(answer.status);
    if (answer.replayed) void reply.header('idempotent-replayed', 'true');
    return answer.body;
  }

  /** `GET` on this path would otherwise be read as the symbol route: "symbol 'SYNC' not found". */
  @Get('sync')
  @RouteConfig({ [REFUSES_METHOD]: true })
  @ApiExcludeEndpoint()
  refuseGet(): never {
    throw new AppException(
      ErrorCode.MethodNotAllowed,
      'Method GET is not allowed on this path; allowed: POST',
      { headers: { allow: 'POST' } },
    );
  }
}
