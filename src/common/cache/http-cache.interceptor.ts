import { CACHE_MANAGER } from '@nestjs/cache-manager';
import {
  Inject,
  Injectable,
  Logger,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Cache } from 'cache-manager';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { from, mergeMap, of, type Observable } from 'rxjs';
import { AppConfig } from '../../config/app-config';
import { CACHE_SCOPE, type CacheScope } from './cache-scope.constants';
import { CacheVersionsService } from './cache-versions.service';

interface CachedResponse {
  body: string;
  etag: string;
  storedAt: number;
  headers: Record<string, string>;
}

/**
 * An entry as stored: one string, `etag \n storedAt \n headers-json \n body`, so the store
 * encodes the (large) body once as a string instead of walking it as part of an object.
 */
export function encodeEntry(entry: CachedResponse): string {
  return `${entry.etag}\n${entry.storedAt}\n${JSON.stringify(entry.headers)}\n${entry.body}`;
}

export function decodeEntry(raw: unknown): CachedResponse | undefined {
  if (typeof raw !== 'string') return undefined;
  const first = raw.indexOf('\n');
  const second = raw.indexOf('\n', first + 1);
  const third = raw.indexOf('\n', second + 1);
  if (first < 0 || second < 0 || third < 0) return undefined;
  const storedAt = Number(raw.slice(first + 1, second));
  if (!Number.isFinite(storedAt)) return undefined;
  try {
    return {
      etag: raw.slice(0, first),
      storedAt,
      headers: JSON.parse(raw.slice(second + 1, third)) as Record<string, string>,
      body: raw.slice(third + 1),
    };
  } catch {
    return undefined;
  }
}

/** Response headers that are part of a cached answer (pagination hints of some routes). */
const CARRIED_HEADERS = ['x-total-count', 'x-has-more'];
const JSON_TYPE = 'application/json; charset=utf-8';

function normalisedQuery(query: unknown): string {
  if (!query || typeof query !== 'object') return '';
  return Object.entries(query as Record<string, unknown>)
    .map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/**
 * Whether an `If-None-Match` field matches the current ETag (RFC 9110 §13.1.2): `*`
 * matches any current representation; otherwise any listed tag, compared weakly (a `W/`
 * prefix on either side is ignored).
 */
export function matchesIfNoneMatch(field: string | undefined, etag: string): boolean {
  if (!field) return false;
  if (field.trim() === '*') return true;
  const opaque = etag.replace(/^W\//, '');
  return field.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === opaque);
}

/**
 * Read-through cache for GET routes marked with @CacheResponse: keyed by route, path
 * parameters and normalised query, plus the generation of what the response depends on
 * (see CacheVersionsService). Adds X-Cache, ETag (If-None-Match → 304) and a Cache-Control
 * max-age of the entry's remaining lifetime. Built on the global cache-manager store
 * (Redis or memory); a failing store is a miss, never an error.
 */
@Injectable()
export class HttpCacheInterceptor implements NestInterceptor {
  private readonly logger = new Logger(HttpCacheInterceptor.name);
  private readonly ttlMs: number;

  constructor(
    private readonly reflector: Reflector,
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
    private readonly versions: CacheVersionsService,
    config: AppConfig,
  ) {
    this.ttlMs = config.cache.ttlSeconds * 1_000;
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const scope = this.reflector.get<CacheScope | undefined>(CACHE_SCOPE, context.getHandler());
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (!scope || request.method !== 'GET') return next.handle();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    return from(this.lookup(scope, request)).pipe(
      mergeMap(({ key, hit }) => {
        if (hit) return of(this.answer(request, reply, hit, 'HIT'));
        return next.handle().pipe(mergeMap(async (body) => this.store(request, reply, key, body)));
      }),
    );
  }

  private async lookup(
    scope: CacheScope,
    request: FastifyRequest,
  ): Promise<{ key: string | null; hit?: CachedResponse }> {
    const params = (request.params ?? {}) as Record<string, string>;
    const query = (request.query ?? {}) as Record<string, unknown>;
    const rawSymbol =
      params.symbol ?? (typeof query.symbol === 'string' ? query.symbol : undefined);
    const version = await this.versions.current(
      scope === 'symbol' ? rawSymbol?.toUpperCase() : undefined,
    );
    if (version === null) return { key: null };
    const path = Object.entries(params)
      .map(([k, v]) => `${k}=${k === 'symbol' ? v.toUpperCase() : v}`)
      .join('&');
    const key = `${request.routeOptions.url}|${path}|${normalisedQuery(query)}|v${version}`;
    try {
      return { key, hit: decodeEntry(await this.cache.get<string>(key)) };
    } catch {
      return { key: null };
    }
  }

  private async store(
    request: FastifyRequest,
    reply: FastifyReply,
    key: string | null,
    body: unknown,
  ): Promise<unknown> {
    if (reply.statusCode >= 300 || body === undefined) return body;
    const serialised = JSON.stringify(body);
    const entry: CachedResponse = {
      body: serialised,
      etag: `"${createHash('sha1').update(serialised).digest('base64url')}"`,
      storedAt: Date.now(),
      headers: {},
    };
    for (const name of CARRIED_HEADERS) {
      const value = reply.getHeader(name);
      if (value !== undefined) entry.headers[name] = String(value);
    }
    if (key) {
      this.cache
        .set(key, encodeEntry(entry), this.ttlMs)
        .catch((error: unknown) => this.logger.debug(`cache write failed: ${String(error)}`));
    }
    return this.answer(request, reply, entry, 'MISS');
  }

  private answer(
    request: FastifyRequest,
    reply: FastifyReply,
    entry: CachedResponse,
    outcome: 'HIT' | 'MISS',
  ): string | undefined {
    const secondsLeft = Math.max(0, Math.floor((entry.storedAt + this.ttlMs - Date.now()) / 1_000));
    void reply
      .headers(entry.headers)
      .header('x-cache', outcome)
      .header('etag', entry.etag)
      .header('cache-control', `public, max-age=${secondsLeft}`);
    if (matchesIfNoneMatch(request.headers['if-none-match'], entry.etag)) {
      void reply.status(304);
      return undefined;
    }
    void reply.header('content-type', JSON_TYPE);
    return entry.body;
  }
}
