import { Injectable, Logger, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  ThrottlerGuard,
  type ThrottlerModuleOptions,
  type ThrottlerOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import { InjectThrottlerOptions, InjectThrottlerStorage } from '@nestjs/throttler';
// The metadata keys of @SkipThrottle and @Throttle (not re-exported by the package's index).
import {
  THROTTLER_BLOCK_DURATION,
  THROTTLER_KEY_GENERATOR,
  THROTTLER_LIMIT,
  THROTTLER_SKIP,
  THROTTLER_TRACKER,
  THROTTLER_TTL,
} from '@nestjs/throttler/dist/throttler.constants';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { requestClientOf } from '../http/request-client';
import { AppException } from '../errors/app.exception';
import { ErrorCode } from '../errors/error-code';

type ThrottlerRequest = Parameters<ThrottlerGuard['handleRequest']>[0];
type ThrottlerRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;
type Resolvable = ThrottlerOptions['limit'];

/** A storage that can count a hit without waiting when it has what it needs in memory. */
interface TakingStorage extends ThrottlerStorage {
  take(key: string, ttl: number, limit: number): ThrottlerRecord | undefined;
}
const canTake = (storage: ThrottlerStorage): storage is TakingStorage =>
  typeof (storage as Partial<TakingStorage>).take === 'function';

/** One throttler as a route's metadata sets it (@SkipThrottle, @Throttle). */
interface RouteThrottler {
  name: string;
  skip: boolean;
  skipIf?: (context: ExecutionContext) => boolean;
  limit: Resolvable;
  ttl: Resolvable;
  blockDuration?: Resolvable;
}

/**
 * How a route is counted, read once per handler (route metadata is fixed once the application
 * is built): its throttlers, or `generic` when the route brings its own tracker or key, which
 * throttler's own path handles.
 */
interface RoutePlan {
  generic: boolean;
  throttlers: RouteThrottler[];
}

/** One settled answer shared by every request let through without waiting. */
const ALLOWED = Promise.resolve(true);

/** A value of a throttler option, when known without waiting. */
function resolveNow(context: ExecutionContext, value: Resolvable | undefined): number | undefined {
  const resolved: unknown = typeof value === 'function' ? value(context) : value;
  return typeof resolved === 'number' && !Number.isNaN(resolved) ? resolved : undefined;
}

/** Marks routes that also count against the `sync` limit (SYNC_RATE_LIMIT_PER_MINUTE). */
export const SYNC_THROTTLER = 'sync';
const SYNC_LIMITED = 'cma:sync-limited';
export const SyncRateLimited = () => SetMetadata(SYNC_LIMITED, true);
const syncLimited = new WeakMap<object, boolean>();
/** Whether a route counts against the `sync` limit (asked on every request: remembered). */
export function isSyncLimited(context: ExecutionContext): boolean {
  const handler = context.getHandler();
  let limited = syncLimited.get(handler);
  if (limited === undefined) {
    limited = Reflect.getMetadata(SYNC_LIMITED, handler) === true;
    syncLimited.set(handler, limited);
  }
  return limited;
}

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
  private readonly plans = new WeakMap<object, Map<object, RoutePlan>>();

  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
  ) {
    super(options, storage, new MemoizedReflector());
  }

  /**
   * Every request passes here, so the common case is kept short: the route's throttlers are
   * read once per handler, and a hit the storage can count from memory (a Redis lease not yet
   * spent, or the in-process counters) is counted without waiting. Anything else (a value
   * only known asynchronously, a route's own tracker or key) goes through throttler's
   * canActivate, which ends in handleRequest below: the same counting, headers and refusal.
   */
  override canActivate(context: ExecutionContext): Promise<boolean> {
    // Global guards also see WebSocket messages; those have their own limit (realtime/).
    if (context.getType() !== 'http') return ALLOWED;
    const plan = this.planOf(context);
    if (plan.generic || !canTake(this.storageService)) return super.canActivate(context);
    const counted: { name: string; limit: number; ttl: number; blockDuration: number }[] = [];
    for (const throttler of plan.throttlers) {
      if (throttler.skip || throttler.skipIf?.(context)) continue;
      const limit = resolveNow(context, throttler.limit);
      const ttl = resolveNow(context, throttler.ttl);
      const blockDuration =
        throttler.blockDuration === undefined ? ttl : resolveNow(context, throttler.blockDuration);
      if (limit === undefined || ttl === undefined || blockDuration === undefined) {
        return super.canActivate(context);
      }
      counted.push({ name: throttler.name, limit, ttl, blockDuration });
    }
    if (counted.length === 0) return ALLOWED;
    const { req, res } = this.getRequestResponse(context) as {
      req: FastifyRequest;
      res: FastifyReply;
    };
    const tracker = requestClientOf(req).tracker;
    for (let i = 0; i < counted.length; i++) {
      const { name, limit, ttl } = counted[i];
      const record = this.storageService.take(`${name}:${tracker}`, ttl, limit);
      // The rest in order once one must wait: a refusal by one throttler stops the next ones.
      if (!record) return this.countInTurn(res, tracker, counted.slice(i));
      try {
        this.answer(res, name, limit, ttl, record);
      } catch (refusal) {
        return Promise.reject(refusal instanceof Error ? refusal : new Error(String(refusal)));
      }
    }
    return ALLOWED;
  }

  private async countInTurn(
    res: FastifyReply,
    tracker: string,
    throttlers: { name: string; limit: number; ttl: number; blockDuration: number }[],
  ): Promise<boolean> {
    for (const { name, limit, ttl, blockDuration } of throttlers) {
      await this.count(res, `${name}:${tracker}`, name, limit, ttl, blockDuration);
    }
    return true;
  }

  private planOf(context: ExecutionContext): RoutePlan {
    const handler = context.getHandler();
    const classRef = context.getClass();
    let byClass = this.plans.get(handler);
    if (!byClass) this.plans.set(handler, (byClass = new Map<object, RoutePlan>()));
    let plan = byClass.get(classRef);
    if (!plan) byClass.set(classRef, (plan = this.plan(handler, classRef)));
    return plan;
  }

  private plan(handler: object, classRef: object): RoutePlan {
    const targets = [handler, classRef] as Parameters<Reflector['getAllAndOverride']>[1];
    const read = <T>(key: string, name: string) =>
      this.reflector.getAllAndOverride<T | undefined>(key + name, targets);
    let generic = false;
    const throttlers = this.throttlers.map((throttler): RouteThrottler => {
      const name = throttler.name ?? 'default';
      if (
        read(THROTTLER_TRACKER, name) ||
        read(THROTTLER_KEY_GENERATOR, name) ||
        throttler.getTracker ||
        throttler.generateKey
      ) {
        generic = true;
      }
      return {
        name,
        skip: read<boolean>(THROTTLER_SKIP, name) === true,
        skipIf: throttler.skipIf ?? this.commonOptions.skipIf,
        limit: read<Resolvable>(THROTTLER_LIMIT, name) ?? throttler.limit,
        ttl: read<Resolvable>(THROTTLER_TTL, name) ?? throttler.ttl,
        blockDuration: read<Resolvable>(THROTTLER_BLOCK_DURATION, name) ?? throttler.blockDuration,
      };
    });
    return { generic, throttlers };
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
    return this.count(res, key, name, limit, ttl, blockDuration);
  }

  /** Counts a hit in the storage (failing open when it is unreachable), then answers it. */
  private async count(
    res: FastifyReply,
    key: string,
    name: string,
    limit: number,
    ttl: number,
    blockDuration: number,
  ): Promise<boolean> {
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
    this.answer(res, name, limit, ttl, record);
    return true;
  }

  /** The rate-limit headers of a counted hit, and the 429 when it is over the limit. */
  private answer(
    res: FastifyReply,
    name: string,
    limit: number,
    ttl: number,
    record: ThrottlerRecord,
  ): void {
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
  }
}

/** Structured-field lists: several throttlers on one route add members to one field. */
function appendField(reply: FastifyReply, name: string, member: string): void {
  const current = reply.getHeader(name);
  void reply.header(name, current ? `${String(current)}, ${member}` : member);
}
