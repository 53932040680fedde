import { Injectable, Logger } from '@nestjs/common';
import { InjectThrottlerStorage, type ThrottlerStorage } from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { AppConfig } from '../../config/app-config';
import { ErrorCode } from '../errors/error-code';
import { PROBLEM_CONTENT_TYPE, buildProblem } from '../errors/problem-details';
import { requestClientOf } from '../http/request-client';

const MINUTE_MS = 60_000;

/**
 * Guards run only on matched routes, so requests to unknown paths and OPTIONS requests never
 * reached the rate limit: a client could send them without end. These Fastify hooks count
 * them in the per-client bucket the guard uses (`default:<tracker>`): an unknown path is
 * refused with 429 once the bucket is spent; a CORS preflight, which the CORS hook answers
 * before any other hook runs (with no API key: browsers send none), is counted against its
 * address once answered, so a flood of them spends that client's allowance. Fails open like
 * the guard when the counter store is away.
 */
@Injectable()
export class UnroutedRequestLimiter {
  private readonly log = new Logger('RateLimit');
  private storeDown = false;

  constructor(
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage,
    private readonly config: AppConfig,
  ) {}

  readonly onRequest = (
    request: FastifyRequest,
    reply: FastifyReply,
    done: HookHandlerDoneFunction,
  ): void => {
    if (!request.is404) return done();
    const limit = this.limitOf(request);
    this.count(request, limit).then(
      (record) => {
        this.storeDown = false;
        if (!record.isBlocked) return done();
        const retryAfter = Math.max(1, record.timeToBlockExpire);
        void reply
          .status(429)
          .header('retry-after', String(retryAfter))
          .header('content-type', PROBLEM_CONTENT_TYPE)
          .send(
            buildProblem({
              status: 429,
              code: ErrorCode.RateLimited,
              detail: 'Rate limit exceeded',
              instance: request.url.split('?')[0],
              requestId: String(request.id),
              extensions: {
                retry_after: retryAfter,
                policy: 'default',
                limit,
                window_seconds: 60,
              },
            }),
          );
      },
      () => done(),
    );
  };

  /** Counts an OPTIONS request once answered (its answer cannot wait for the count). */
  readonly onResponse = (
    request: FastifyRequest,
    _reply: FastifyReply,
    done: HookHandlerDoneFunction,
  ): void => {
    if (request.method === 'OPTIONS' && !request.is404) {
      void this.count(request, this.limitOf(request)).catch(() => undefined);
    }
    done();
  };

  private limitOf(request: FastifyRequest): number {
    const { perMinute, partnerPerMinute } = this.config.rateLimit;
    return requestClientOf(request).role === 'partner' ? partnerPerMinute : perMinute;
  }

  private async count(request: FastifyRequest, limit: number) {
    try {
      const record = await this.storage.increment(
        `default:${requestClientOf(request).tracker}`,
        MINUTE_MS,
        limit,
        MINUTE_MS,
        'default',
      );
      this.storeDown = false;
      return record;
    } catch (error) {
      if (!this.storeDown) this.log.warn(`rate-limit counters unreachable: ${String(error)}`);
      this.storeDown = true;
      throw error;
    }
  }
}
