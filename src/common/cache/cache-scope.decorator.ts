import { SetMetadata, UseInterceptors, applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import { CACHE_SCOPE, type CacheScope } from './cache-scope.constants';
import { HttpCacheInterceptor } from './http-cache.interceptor';

/**
 * Caches a GET route's responses. The interceptor is attached per route (not globally) so
 * uncached routes run without any interceptor pipeline at all. Documents the conditional
 * request it answers (If-None-Match → 304).
 */
export const CacheResponse = (scope: CacheScope) =>
  applyDecorators(
    SetMetadata(CACHE_SCOPE, scope),
    UseInterceptors(HttpCacheInterceptor),
    ApiHeader({
      name: 'If-None-Match',
      required: false,
      description: 'ETag of a previous answer (304 if unchanged)',
    }),
    ApiResponse({
      status: 304,
      description: 'Not Modified: the ETag sent in If-None-Match matches',
    }),
  );
