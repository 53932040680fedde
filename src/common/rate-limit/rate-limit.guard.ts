import { Injectable, Logger, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  ThrottlerGuard,
  normalizeIp,
  type ThrottlerModuleOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import { InjectThrottlerOptions, InjectThrottlerStorage } from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { ApiKeysService, type ApiKeyRole } from '../../auth/api-keys.service';
import { AppException } from '../errors/app.exception';
import { ErrorCode } from '../errors/error-code';

type ThrottlerRequest = Parameters<ThrottlerGuard['handleRequest']>[0];

/** Marks routes that also count against the `sync` limit (SYNC_RATE_LIMIT_PER_MINUTE). */
export const SYNC_THROTTLER = 'sync';
const SYNC_LIMITED = 'cma:sync-limited';
export const SyncRateLimited = () => SetMetadata(SYNC_LIMITED, true);
export const isSyncLimited = (context: ExecutionContext): boolean =>
  Reflect.getMetadata(SYNC_LIMITED, context.getHandler()) === true;

/** Who a request counts against: a valid API key, else the client address. */
export interface RateLimitClient {
  tracker: string;
  role: ApiKeyRole | null;
}

const CLIENT = Symbol('rateLimitClient');
type WithClient = FastifyRequest & { [CLIENT]?: RateLimitClient };

/** The client a request was counted against (resolved by the guard before any limit). */
export const rateLimitClientOf = (request: FastifyRequest): RateLimitClient | undefined =>
  (request as WithClient)[CLIENT];

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

const IDENTITY_CACHE_MS = 60_000;
const IDENTITY_CACHE_MAX = 10_000;

/**
 * The global rate limit (`@nestjs/throttler`): per client, across routes and instances.
 * Adds the IETF `RateLimit-Policy` / `RateLimit` fields to throttler's `X-RateLimit-*`,
 * answers 429 as problem+json with `Retry-After`, and fails open (with one warning per
 * outage) when the counter store is unreachable, so a Redis outage never takes the API down.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  private readonly log = new Logger('RateLimit');
  private readonly identities = new Map<string, { role: ApiKeyRole | null; until: number }>();
  private storeDown = false;

  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    private readonly apiKeys: ApiKeysService,
  ) {
    super(options, storage, new MemoizedReflector());
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    // Global guards also see WebSocket messages; those have their own limit (realtime/).
    if (context.getType() !== 'http') return true;
    // Limits depend on the client's tier, and throttler resolves limits before trackers.
    await this.client(context.switchToHttp().getRequest<FastifyRequest>());
    return super.canActivate(context);
  }

  /**
   * A request's client, resolved once per request. Only a key that verifies counts as a
   * key: otherwise sending a new random key would buy a fresh allowance each time.
   */
  private async client(request: WithClient): Promise<RateLimitClient> {
    const known = request[CLIENT];
    if (known) return known;
    const header = request.headers['x-api-key'];
    const key = Array.isArray(header) ? header[0] : header;
    let client: RateLimitClient = { tracker: `ip:${normalizeIp(request.ip)}`, role: null };
    if (key && key.length <= 256) {
      const digest = createHash('sha256').update(key).digest('hex');
      const role = await this.roleOf(digest, key);
      if (role) client = { tracker: `key:${digest.slice(0, 32)}`, role };
    }
    request[CLIENT] = client;
    return client;
  }

  protected override async getTracker(request: Record<string, unknown>): Promise<string> {
    return (await this.client(request as unknown as FastifyRequest)).tracker;
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

  private async roleOf(digest: string, key: string): Promise<ApiKeyRole | null> {
    const now = Date.now();
    const cached = this.identities.get(digest);
    if (cached && cached.until > now) return cached.role;
    let role: ApiKeyRole | null;
    try {
      role = (await this.apiKeys.identify(key))?.role ?? null;
    } catch {
      return null; // database unreachable: count against the address now, ask again next time
    }
    if (this.identities.size >= IDENTITY_CACHE_MAX) this.identities.clear();
    this.identities.set(digest, { role, until: now + IDENTITY_CACHE_MS });
    return role;
  }
}

/** Structured-field lists: several throttlers on one route add members to one field. */
function appendField(reply: FastifyReply, name: string, member: string): void {
  const current = reply.getHeader(name);
  void reply.header(name, current ? `${String(current)}, ${member}` : member);
}
