import { Global, Module } from '@nestjs/common';
import { CacheVersionsService } from './cache-versions.service';
import { HttpCacheInterceptor } from './http-cache.interceptor';

/** The REST response cache; feature modules mark routes with @CacheResponse. */
@Global()
@Module({
  providers: [CacheVersionsService, HttpCacheInterceptor],
  exports: [CacheVersionsService, HttpCacheInterceptor],
})
export class HttpCacheModule {}
