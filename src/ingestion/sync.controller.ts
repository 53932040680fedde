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
import {
  IdempotencyService,
  type IdempotentResponse,
} from '../common/idempotency/idempotency.service';
import { ApiProblems } from '../common/http/api-problem.decorator';
import { REFUSES_METHOD } from '../common/http/route-methods';
import type { ProviderName } from '../config/environment';
import { SyncQuery, SyncResultDto } from './dto/sync.dto';
import type { IngestionRunEntity } from './entities/ingestion-run.entity';
import { IngestionJobsService } from './ingestion-jobs.service';
import { IngestionService } from './ingestion.service';

function toResult(run: IngestionRunEntity): SyncResultDto {
  return {
    message:
      run.status === 'running'
        ? `Sync of ${run.source} started`
        : `Sync of ${run.source} finished: ${run.status}`,
    run_id: run.id,
    provider: run.source,
    status: run.status,
    created_count: run.createdCount,
    updated_count: run.updatedCount,
    skipped_count: run.skippedCount,
    duration_ms: run.durationMs,
    timestamp: (run.finishedAt ?? run.startedAt).toISOString(),
  };
}

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
  constructor(
    private readonly jobs: IngestionJobsService,
    private readonly ingestion: IngestionService,
    private readonly idempotency: IdempotencyService,
  ) {}

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
    const query = mergeSyncParameters(fromQuery, fromBody);
    const name = (query.provider ??
      this.ingestion.enabledProviders()[0]?.name ??
      'csv') as ProviderName;
    const request = { provider: name, limit: query.limit ?? null, wait: query.wait ?? true };
    const outcome = idempotencyKey
      ? await this.idempotency.run(
          'sync',
          idempotencyKey,
          request,
          () => this.execute(name, query),
          (stored) => this.runAlive(stored.body),
        )
      : { replayed: false as const, result: await this.execute(name, query) };
    if (outcome.replayed) {
      void reply.status(outcome.status).header('idempotent-replayed', 'true');
      return outcome.body as SyncResultDto;
    }
    void reply.status(outcome.result.status);
    return outcome.result.body;
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

  /** A stored 202 names its run: one that failed, or whose process died, is not replayed. */
  private async runAlive(stored: unknown): Promise<boolean> {
    const runId = (stored as Partial<SyncResultDto> | null)?.run_id;
    return typeof runId !== 'string' || this.jobs.runAliveOrSucceeded(runId);
  }

  private async execute(
    name: ProviderName,
    query: SyncQuery,
  ): Promise<IdempotentResponse<SyncResultDto>> {
    const { run, done } = await this.jobs.start(name, 'manual', query.limit);
    if (query.wait === false) {
      // A key replays this 202 only while the run is alive or once it ended well.
      const settled = done.then(
        (finished) => finished.status !== 'failed',
        () => false,
      );
      return { status: HttpStatus.ACCEPTED, body: toResult(run), settled };
    }
    const finished = await done;
    if (finished.status === 'failed') {
      if (finished.details?.error_kind === 'database') {
        throw new AppException(
          ErrorCode.ServiceUnavailable,
          `Sync of ${finished.source} failed: the database is unavailable; the run is recorded as failed once it is back`,
          {
            headers: { 'retry-after': '5' },
            extensions: { run_id: finished.id, provider: finished.source },
          },
        );
      }
      if (finished.details?.error_kind === 'internal') {
        throw new AppException(
          ErrorCode.Internal,
          `Sync of ${finished.source} failed inside the service; the log has the details under run ${finished.id}`,
          { extensions: { run_id: finished.id, provider: finished.source } },
        );
      }
      const timedOut = finished.details?.error_kind === 'timeout';
      throw new AppException(
        timedOut ? ErrorCode.UpstreamTimeout : ErrorCode.UpstreamError,
        `Sync of ${finished.source} failed: ${finished.error ?? 'unknown error'}`,
        { extensions: { run_id: finished.id, provider: finished.source } },
      );
    }
    return { status: HttpStatus.OK, body: toResult(finished) };
  }
}
