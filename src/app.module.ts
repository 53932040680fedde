import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { AppController } from './app.controller';
import { AuthModule } from './auth/auth.module';
import { HttpCacheModule } from './common/cache/http-cache.module';
import { CompatibilityModule } from './compatibility/compatibility.module';
import { CoinGeckoV3Module } from './coingecko-v3/coingecko-v3.module';
import { IdempotencyModule } from './common/idempotency/idempotency.module';
import { ProblemDetailsFilter } from './common/filters/problem-details.filter';
import { LoggingModule } from './common/logging/logging.module';
import { RateLimitModule } from './common/rate-limit/rate-limit.module';
import { createValidationPipe } from './common/pipes/validation.pipe';
import type { AppConfig } from './config/app-config';
import { AppConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { CryptocurrenciesModule } from './cryptocurrencies/cryptocurrencies.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { IngestionModule } from './ingestion/ingestion.module';
import { MetricsModule } from './metrics/metrics.module';
import { PriceHistoryModule } from './price-history/price-history.module';
import { RealtimeModule } from './realtime/realtime.module';
import { RedisModule } from './redis/redis.module';
import { SentimentModule } from './sentiment/sentiment.module';

@Module({})
export class AppModule {
  /** The configuration is passed in (not read here) so tests can boot with their own. */
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        LoggingModule,
        DatabaseModule,
        RedisModule,
        AuthModule,
        RateLimitModule,
        HttpCacheModule,
        IdempotencyModule,
        MetricsModule,
        HealthModule,
        CryptocurrenciesModule,
        PriceHistoryModule,
        SentimentModule,
        IngestionModule,
        CompatibilityModule,
        CoinGeckoV3Module,
        RealtimeModule,
        DashboardModule,
      ],
      controllers: [AppController],
      providers: [
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
    };
  }
}
