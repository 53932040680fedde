import { SetMetadata, UseInterceptors, applyDecorators } from '@nestjs/common';
import { CACHE_SCOPE, type CacheScope } from './cache-scope.constants';
import { HttpCacheInterceptor } from './http-cache.interceptor';

/**
 * Caches a GET route's responses. The interceptor is attached per route (not globally) so
 * uncached routes run without any interceptor pipeline at all.
 */
export const CacheResponse = (scope: CacheScope) =>
  applyDecorators(SetMetadata(CACHE_SCOPE, scope), UseInterceptors(HttpCacheInterceptor));
