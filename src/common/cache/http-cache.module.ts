import { Global, Module } from '@nestjs/common';
import { CacheVersionsService } from './cache-versions.service';
import { HttpCacheInterceptor } from './http-cache.interceptor';
import { ResponseCacheService } from './response-cache.service';

/** The REST response cache; feature modules mark routes with @CacheResponse. */
@Global()
@Module({
  providers: [CacheVersionsService, ResponseCacheService, HttpCacheInterceptor],
  exports: [CacheVersionsService, ResponseCacheService, HttpCacheInterceptor],
})
export class HttpCacheModule {}
