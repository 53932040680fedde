import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { CSV_ALTERNATIVE, RESPONSE_FORMATS, responseFormat } from '../http/csv';
import { isSecretParameter } from '../logging/redact-url';
import { addVary } from '../http/vary';
import { CACHE_SCOPE, type CacheScope } from './cache-scope.constants';
import { CacheVersionsService } from './cache-versions.service';
import {
  buildEntry,
  matchesIfNoneMatch,
  selectVariant,
  type CachedResponse,
} from './cached-response';
import { ResponseCacheService } from './response-cache.service';

/** Response headers that are part of a cached answer (pagination hints of some routes). */
const CARRIED_HEADERS = ['x-total-count', 'x-has-more'];
const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * The query as part of a cache key: sorted, and without credentials (`x_cg_demo_api_key`,
 * `token`, … as the log redaction names them), which no cached answer depends on and which
 * must not end up in Redis key names, nor split one answer into a copy per caller.
 */
function normalisedQuery(query: unknown): string {
  if (!query || typeof query !== 'object') return '';
  return Object.entries(query as Record<string, unknown>)
    .filter(([k]) => !isSecretParameter(k))
    .map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/** Whether a route with a CSV alternative is asked for CSV (by `format`, else by Accept). */
function wantsCsv(request: FastifyRequest): boolean {
  const { format } = (request.query ?? {}) as Record<string, unknown>;
  const given = RESPONSE_FORMATS.find((known) => known === format);
  return responseFormat(given, request.headers.accept) === 'csv';
}

/**
 * Read-through cache for GET routes marked with @CacheResponse: keyed by route, path
 * parameters and normalised query, plus the generation of what the response depends on
 * (see CacheVersionsService), served from ResponseCacheService. Adds X-Cache, ETag
 * (If-None-Match → 304), a Cache-Control max-age of the entry's remaining lifetime, and
 * answers in the client's Accept-Encoding from the entry's stored variants (Vary:
 * Accept-Encoding). When the generation cannot be read (Redis down) the cache is bypassed.
 */
@Injectable()
export class HttpCacheInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly cache: ResponseCacheService,
    private readonly versions: CacheVersionsService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const scope = this.reflector.get<CacheScope | undefined>(CACHE_SCOPE, context.getHandler());
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (!scope || request.method !== 'GET') return next.handle();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    if (this.reflector.get<boolean | undefined>(CSV_ALTERNATIVE, context.getHandler())) {
      addVary(reply, 'Accept');
      // Entries are JSON: a CSV export is streamed past the cache, never stored or served from it.
      if (wantsCsv(request)) return next.handle();
    }
    return from(this.respond(scope, request, reply, next));
  }

  private async respond(
    scope: CacheScope,
    request: FastifyRequest,
    reply: FastifyReply,
    next: CallHandler,
  ): Promise<unknown> {
    const key = await this.keyOf(scope, request);
    if (key === null) return lastValueFrom(next.handle());
    const hit = this.cache.peek(key);
    if (hit) return this.answer(request, reply, hit, 'HIT');
    let computed = false;
    let uncacheable: unknown;
    const entry = await this.cache.resolve(key, async () => {
      computed = true;
      const payload: unknown = await lastValueFrom(next.handle());
      if (reply.statusCode >= 300 || payload === undefined) {
        uncacheable = payload;
        return null;
      }
      const headers: Record<string, string> = {};
      for (const name of CARRIED_HEADERS) {
        const value = reply.getHeader(name);
        if (value !== undefined) headers[name] = String(value);
      }
      return buildEntry(payload, headers);
    });
    if (entry) return this.answer(request, reply, entry, computed ? 'MISS' : 'HIT');
    // Not cacheable: the request that computed it answers as computed; the ones that waited
    // compute their own.
    return computed ? uncacheable : lastValueFrom(next.handle());
  }

  /** The versioned key, or null when the generation cannot be known (Redis down). */
  private async keyOf(scope: CacheScope, request: FastifyRequest): Promise<string | null> {
    const params = (request.params ?? {}) as Record<string, string>;
    const query = (request.query ?? {}) as Record<string, unknown>;
    const rawSymbol =
      params.symbol ?? (typeof query.symbol === 'string' ? query.symbol : undefined);
    const version = await this.versions.current(
      scope === 'symbol' ? rawSymbol?.toUpperCase() : undefined,
    );
    if (version === null) return null;
    const path = Object.entries(params)
      .map(([k, v]) => `${k}=${k === 'symbol' ? v.toUpperCase() : v}`)
      .join('&');
    return `${request.routeOptions.url}|${path}|${normalisedQuery(query)}|v${version}`;
  }

  private answer(
    request: FastifyRequest,
    reply: FastifyReply,
    entry: CachedResponse,
    outcome: 'HIT' | 'MISS',
  ): Buffer | undefined {
    const secondsLeft = Math.max(
      0,
      Math.floor((entry.storedAt + this.cache.ttlMs - Date.now()) / 1_000),
    );
    const { encoding, body, etag } = selectVariant(entry, request.headers['accept-encoding']);
    void reply
      .headers(entry.headers)
      .header('x-cache', outcome)
      .header('etag', etag)
      .header('cache-control', `public, max-age=${secondsLeft}`);
    if (entry.variants) addVary(reply, 'Accept-Encoding');
    if (matchesIfNoneMatch(request.headers['if-none-match'], entry.etag)) {
      void reply.status(304);
      return undefined;
    }
    void reply.header('content-type', JSON_TYPE);
    if (encoding !== 'identity') void reply.header('content-encoding', encoding);
    return body;
  }
}
