import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { DatabaseServer } from '../../database/database-server';

@Injectable()
export class DatabaseHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly dataSource: DataSource,
    private readonly server: DatabaseServer,
    private readonly config: AppConfig,
  ) {}

  async check(key: 'postgresql'): Promise<HealthIndicatorResult<'postgresql'>> {
    const mode = this.server.isEmbedded ? 'embedded' : 'server';
    return this.indicators
      .check(key)
      .attempt(async () => {
        await this.dataSource.query('SELECT 1');
        return { mode };
      })
      .withTimeout(this.config.health.timeoutMs);
  }
}
