import { Logger } from '@nestjs/common';
import type { DataSource, Migration } from 'typeorm';

const MIGRATION_LOCK = 'crypto-market-api:migrations';
const logger = new Logger('Migrations');

/**
 * Applies pending migrations, each in its own transaction. On a server, instances that
 * start together queue on an advisory lock so each migration runs exactly once. (Embedded
 * mode is one process with one connection: there is nobody to queue behind.)
 */
export async function runPendingMigrations(
  dataSource: DataSource,
  embedded: boolean,
): Promise<Migration[]> {
  if (embedded) return report(await dataSource.runMigrations({ transaction: 'each' }));
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    // A long migration on another instance may hold the lock beyond the usual statement bound.
    await runner.query(`SET statement_timeout = '5min'`);
    await runner.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [MIGRATION_LOCK]);
    try {
      return report(await dataSource.runMigrations({ transaction: 'each' }));
    } finally {
      await runner.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [MIGRATION_LOCK]);
    }
  } finally {
    await runner.query('RESET statement_timeout').catch(() => undefined);
    await runner.release();
  }
}

function report(applied: Migration[]): Migration[] {
  if (applied.length > 0) logger.log(`applied ${applied.map((m) => m.name).join(', ')}`);
  return applied;
}
