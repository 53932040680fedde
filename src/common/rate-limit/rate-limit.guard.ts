import { Injectable, Logger, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  ThrottlerGuard,
  type ThrottlerModuleOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import { InjectThrottlerOptions, InjectThrottlerStorage } from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { requestClientOf } from '../http/request-client';
import { AppException } from '../errors/app.exception';
import { ErrorCode } from '../errors/error-code';

type ThrottlerRequest = Parameters<ThrottlerGuard['handleRequest']>[0];

/** Marks routes that also count against the `sync` limit (SYNC_RATE_LIMIT_PER_MINUTE). */
export const SYNC_THROTTLER = 'sync';
const SYNC_LIMITED = 'cma:sync-limited';
export const SyncRateLimited = () => SetMetadata(SYNC_LIMITED, true);
export const isSyncLimited = (context: ExecutionContext): boolean =>
  Reflect.getMetadata(SYNC_LIMITED, context.getHandler()) === true;

/**
 * The Reflector the throttler guard reads route metadata with (skip, limit, ttl, tracker
 * and key overrides, per throttler: ten lookups a request), remembering each answer: route
 * metadata is fixed once the application is built.
 */
export class MemoizedReflector extends Reflector {
  private readonly answers = new WeakMap<object, Map<object, Map<unknown, unknown>>>();

  override getAllAndOverride<TResult = unknown, TKey = unknown>(
    metadataKey: TKey,
    targets: Parameters<Reflector['getAll']>[1],
  ): TResult {
    const [handler, classRef] = targets;
    if (targets.length !== 2 || !handler || !classRef) {
      return super.getAllAndOverride<TResult, TKey>(metadataKey, targets);
    }
    let byClass = this.answers.get(handler);
    if (!byClass) this.answers.set(handler, (byClass = new Map<object, Map<unknown, unknown>>()));
    let byKey = byClass.get(classRef);
    if (!byKey) byClass.set(classRef, (byKey = new Map<unknown, unknown>()));
    if (!byKey.has(metadataKey)) {
      byKey.set(metadataKey, super.getAllAndOverride<TResult, TKey>(metadataKey, targets));
    }
    return byKey.get(metadataKey) as TResult;
  }
}

/**
 * The global rate limit (`@nestjs/throttler`): per client, across routes and instances.
 * Adds the IETF `RateLimit-Policy` / `RateLimit` fields to throttler's `X-RateLimit-*`,
 * answers 429 as problem+json with `Retry-After`, and fails open (with one warning per
 * outage) when the counter store is unreachable, so a Redis outage never takes the API down.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  private readonly log = new Logger('RateLimit');
  private storeDown = false;

  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
  ) {
    super(options, storage, new MemoizedReflector());
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    // Global guards also see WebSocket messages; those have their own limit (realtime/).
    if (context.getType() !== 'http') return true;
    return super.canActivate(context);
  }

  /** A verified API key (resolved onto the request by auth), else the client address. */
  protected override getTracker(request: Record<string, unknown>): Promise<string> {
    return Promise.resolve(requestClientOf(request as unknown as FastifyRequest).tracker);
  }

  /** One bucket per client and throttler, whatever the route. */
  protected override generateKey(_context: ExecutionContext, tracker: string, name: string) {
    return `${name}:${tracker}`;
  }

  protected override async handleRequest(props: ThrottlerRequest): Promise<boolean> {
    const { context, limit, ttl, throttler, blockDuration, getTracker, generateKey } = props;
    const { req, res } = this.getRequestResponse(context) as {
      req: FastifyRequest;
      res: FastifyReply;
    };
    const name = throttler.name ?? 'default';
    const key = generateKey(context, await getTracker(req, context), name);
    let record;
    try {
      record = await this.storageService.increment(key, ttl, limit, blockDuration, name);
      if (this.storeDown) this.log.log('rate-limit counters reachable again');
      this.storeDown = false;
    } catch (error) {
      if (!this.storeDown) {
        this.log.warn(`rate-limit counters unreachable, not limiting: ${(error as Error).message}`);
      }
      this.storeDown = true;
      return true;
    }
    const window = Math.round(ttl / 1_000);
    const remaining = Math.max(0, limit - record.totalHits);
    const suffix = name === 'default' ? '' : `-${name}`;
    void res.headers({
      [`x-ratelimit-limit${suffix}`]: limit,
      [`x-ratelimit-remaining${suffix}`]: remaining,
      [`x-ratelimit-reset${suffix}`]: record.timeToExpire,
    });
    appendField(res, 'ratelimit-policy', `"${name}";q=${limit};w=${window}`);
    appendField(res, 'ratelimit', `"${name}";r=${remaining};t=${record.timeToExpire}`);
    if (record.isBlocked) {
      const retryAfter = Math.max(1, record.timeToBlockExpire);
      throw new AppException(ErrorCode.RateLimited, 'Rate limit exceeded', {
        headers: { 'Retry-After': String(retryAfter) },
        extensions: { retry_after: retryAfter, policy: name, limit, window_seconds: window },
      });
    }
    return true;
  }
}

/** Structured-field lists: several throttlers on one route add members to one field. */
function appendField(reply: FastifyReply, name: string, member: string): void {
  const current = reply.getHeader(name);
  void reply.header(name, current ? `${String(current)}, ${member}` : member);
}
