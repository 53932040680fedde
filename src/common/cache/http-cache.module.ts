import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { CacheVersionsService } from './cache-versions.service';
import { HttpCacheInterceptor } from './http-cache.interceptor';

/** The REST response cache; feature modules mark routes with @CacheResponse. */
@Global()
@Module({
  providers: [CacheVersionsService, { provide: APP_INTERCEPTOR, useClass: HttpCacheInterceptor }],
  exports: [CacheVersionsService],
})
export class HttpCacheModule {}
