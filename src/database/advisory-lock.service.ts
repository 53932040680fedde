import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DatabaseServer } from './database-server';

export type LockOutcome<T> = { acquired: true; result: T } | { acquired: false };

/**
 * Runs a job only if no other holder (in this process or any other instance on the same
 * database) runs it: a session-level PostgreSQL advisory lock held on a dedicated
 * connection for the job's duration. If the connection dies, PostgreSQL releases the lock.
 *
 * Embedded mode has one process and one connection by construction (a PGlite data
 * directory cannot be shared), so there the in-process guard alone decides; holding the
 * only pooled connection for a whole job would starve every other query.
 */
@Injectable()
export class AdvisoryLockService {
  private readonly logger = new Logger(AdvisoryLockService.name);
  private readonly heldHere = new Set<string>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly server: DatabaseServer,
  ) {}

  async withLock<T>(name: string, job: () => Promise<T>): Promise<LockOutcome<T>> {
    if (this.heldHere.has(name)) return { acquired: false };
    this.heldHere.add(name);
    try {
      if (this.server.isEmbedded) return { acquired: true, result: await job() };
      return await this.withSessionLock(name, job);
    } finally {
      this.heldHere.delete(name);
    }
  }

  private async withSessionLock<T>(name: string, job: () => Promise<T>): Promise<LockOutcome<T>> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const rows = (await runner.query(
        'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked',
        [name],
      )) as { locked: boolean }[];
      if (!rows[0]?.locked) return { acquired: false };
      try {
        return { acquired: true, result: await job() };
      } finally {
        await runner
          .query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [name])
          .catch((error: unknown) =>
            this.logger.warn({ err: error, lock: name }, 'advisory unlock failed'),
          );
      }
    } finally {
      await runner.release();
    }
  }
}
