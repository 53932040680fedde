import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { IngestionModule } from '../ingestion/ingestion.module';
import { HealthService } from './health.service';
import { IngestionHealthIndicator } from './indicators/ingestion.health';
import { DatabaseHealthIndicator } from './indicators/database.health';
import { RedisHealthIndicator } from './indicators/redis.health';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), IngestionModule],
  controllers: [HealthController],
  providers: [
    HealthService,
    DatabaseHealthIndicator,
    RedisHealthIndicator,
    IngestionHealthIndicator,
  ],
  exports: [HealthService],
})
export class HealthModule {}
