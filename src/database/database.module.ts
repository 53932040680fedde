import { Global, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { AdvisoryLockService } from './advisory-lock.service';
import { buildDataSourceOptions } from './data-source-options';
import { DatabaseServer } from './database-server';
import { runPendingMigrations } from './migrate';
import { TimePartitions } from './time-partitions';

const SCHEMA_MIGRATED = Symbol('SCHEMA_MIGRATED');

@Module({ providers: [DatabaseServer], exports: [DatabaseServer] })
class DatabaseServerModule {}

/**
 * TypeORM over `pg`, against DATABASE_URL or the embedded PGlite server. Migrations run
 * at startup, before the application serves; `synchronize` is never used.
 */
@Global()
@Module({
  imports: [
    DatabaseServerModule,
    TypeOrmModule.forRootAsync({
      imports: [DatabaseServerModule],
      inject: [AppConfig, DatabaseServer],
      useFactory: async (config: AppConfig, server: DatabaseServer) => {
        const logger = new Logger('Database');
        return {
          ...buildDataSourceOptions(config, await server.url(), (error) =>
            logger.warn(`idle database connection failed: ${error.message}`),
          ),
          autoLoadEntities: true,
          retryAttempts: server.isEmbedded ? 0 : 5,
          retryDelay: 1_000,
        };
      },
    }),
  ],
  providers: [
    AdvisoryLockService,
    TimePartitions,
    {
      // Resolved before any lifecycle hook or request runs, so nothing sees an old schema.
      provide: SCHEMA_MIGRATED,
      inject: [DataSource, DatabaseServer],
      useFactory: (dataSource: DataSource, server: DatabaseServer) =>
        runPendingMigrations(dataSource, server.isEmbedded),
    },
  ],
  exports: [AdvisoryLockService, TimePartitions, DatabaseServerModule],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(
    private readonly dataSource: DataSource,
    private readonly server: DatabaseServer,
  ) {}

  /** The pool must be closed before the embedded server under it. */
  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    await this.server.stop();
  }
}
