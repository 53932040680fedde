import { HttpStatus, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { APP_VERSION } from '../app.info';
import type { DependencyCheckDto, HealthDto, LivenessDto, ReadinessDto } from './dto/health.dto';
import { DatabaseHealthIndicator } from './indicators/database.health';
import { IngestionHealthIndicator, type SourceFreshness } from './indicators/ingestion.health';
import { RedisHealthIndicator } from './indicators/redis.health';

export interface HealthOutcome<T> {
  httpStatus: HttpStatus;
  body: T;
}

type CheckDetails = { status: DependencyCheckDto['status']; [key: string]: unknown };

function toCheck(details: CheckDetails | undefined): DependencyCheckDto {
  if (!details) return { status: 'down', message: 'not checked' };
  const { status, responseTime, mode, message } = details;
  return {
    status,
    ...(typeof responseTime === 'number' ? { response_time_ms: responseTime } : {}),
    ...(typeof mode === 'string' ? { mode } : {}),
    ...(typeof message === 'string' ? { message } : {}),
  };
}

function toIngestion(details: CheckDetails | undefined): HealthDto['ingestion'] {
  if (!details) return { status: 'down' };
  const { status, sources, message } = details;
  return {
    status,
    ...(typeof message === 'string' ? { message } : {}),
    ...(sources && typeof sources === 'object'
      ? { sources: sources as Record<string, SourceFreshness> }
      : {}),
  };
}

function describe(check: DependencyCheckDto): string {
  if (check.status === 'up')
    return check.message === 'not configured' ? 'not configured' : 'healthy';
  return `unhealthy: ${check.message ?? 'unknown reason'}`;
}

@Injectable()
export class HealthService {
  private readonly startedAt = Date.now();

  constructor(
    private readonly health: HealthCheckService,
    private readonly database: DatabaseHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly ingestion: IngestionHealthIndicator,
  ) {}

  async report(requestId: string): Promise<HealthOutcome<HealthDto>> {
    const { result, httpStatus } = await this.runChecks();
    const checks = {
      postgresql: toCheck(result.details.postgresql as CheckDetails | undefined),
      redis: toCheck(result.details.redis as CheckDetails | undefined),
    };
    return {
      httpStatus,
      body: {
        status: result.status === 'shutting_down' ? 'error' : result.status,
        database: checks.postgresql.status === 'up' ? 'connected' : 'disconnected',
        services: { postgresql: describe(checks.postgresql), redis: describe(checks.redis) },
        checks,
        ingestion: toIngestion(result.details.ingestion as CheckDetails | undefined),
        version: APP_VERSION,
        uptime_seconds: this.uptimeSeconds(),
        timestamp: new Date().toISOString(),
        request_id: requestId,
      },
    };
  }

  async readiness(): Promise<HealthOutcome<ReadinessDto>> {
    const { result, httpStatus } = await this.runChecks();
    return {
      httpStatus,
      body: {
        status: result.status === 'shutting_down' ? 'error' : result.status,
        checks: {
          postgresql: toCheck(result.details.postgresql as CheckDetails | undefined),
          redis: toCheck(result.details.redis as CheckDetails | undefined),
        },
        timestamp: new Date().toISOString(),
      },
    };
  }

  liveness(): LivenessDto {
    return {
      status: 'ok',
      uptime_seconds: this.uptimeSeconds(),
      timestamp: new Date().toISOString(),
    };
  }

  /** Terminus answers a failed check with a 503 exception carrying the same result. */
  private async runChecks(): Promise<{ result: HealthCheckResult; httpStatus: HttpStatus }> {
    try {
      const result = await this.health.check([
        () => this.database.check('postgresql'),
        () => this.redis.check('redis'),
        () => this.ingestion.check('ingestion'),
      ]);
      return { result, httpStatus: HttpStatus.OK };
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      return {
        result: error.getResponse() as HealthCheckResult,
        httpStatus: HttpStatus.SERVICE_UNAVAILABLE,
      };
    }
  }

  private uptimeSeconds(): number {
    return Math.round((Date.now() - this.startedAt) / 100) / 10;
  }
}
