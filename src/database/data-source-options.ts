import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import type { AppConfig } from '../config/app-config';
import { NestTypeOrmLogger } from './typeorm-logger';

const SLOW_QUERY_MS = 500;

/**
 * The one definition of how we connect, shared by the application and the migration CLI.
 * Embedded mode gets a pool of one connection (see EmbeddedPostgres).
 */
export function buildDataSourceOptions(
  config: AppConfig,
  url: string,
  onPoolError: (error: Error) => void,
): DataSourceOptions {
  const embedded = config.database.url === undefined;
  return {
    type: 'postgres',
    url,
    applicationName: 'crypto-market-api',
    poolSize: embedded ? 1 : config.database.poolSize,
    connectTimeoutMS: config.database.connectTimeoutMs,
    poolErrorHandler: onPoolError,
    extra: {
      idleTimeoutMillis: 30_000,
      statement_timeout: config.database.statementTimeoutMs,
      // The server enforces statement_timeout; this bounds a query whose server went silent.
      query_timeout: config.database.statementTimeoutMs + 1_000,
      idle_in_transaction_session_timeout: config.database.statementTimeoutMs * 3,
    },
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    // The schema is the migrations' (gen_random_uuid() is built in since PostgreSQL 13):
    // TypeORM must not try to CREATE EXTENSION, which warns at every start without superuser.
    installExtensions: false,
    logger: new NestTypeOrmLogger(),
    logging: ['error', 'warn', 'migration'],
    maxQueryExecutionTime: SLOW_QUERY_MS,
  };
}
