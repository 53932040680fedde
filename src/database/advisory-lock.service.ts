import { Injectable, Logger } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
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
    private readonly config: AppConfig,
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

  /**
   * Runs a long-lived duty (a live stream, the simulator) on exactly one instance: the one
   * holding the advisory lock `name` on a connection of its own. Other instances retry every
   * `retryMs` and take over when the holder goes away; a holder whose connection breaks
   * stops the duty at once (another instance may hold the lock by then). `start` returns the
   * duty's stop function. Embedded mode has one instance: the duty starts at once.
   */
  lead(
    name: string,
    start: () => Promise<() => Promise<void>>,
    retryMs = 15_000,
  ): { stop(): Promise<void> } {
    let stopped = false;
    let wake: () => void = () => undefined;
    const pause = (ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        wake = () => (clearTimeout(timer), resolve());
      });
    const loop = async () => {
      if (this.server.isEmbedded) {
        const stopDuty = await start();
        while (!stopped) await pause(3_600_000);
        return stopDuty();
      }
      while (!stopped) {
        // A client of its own, outside the pool: the lock lives exactly as long as it does.
        const client = new Client({
          connectionString: await this.server.url(),
          connectionTimeoutMillis: this.config.database.connectTimeoutMs,
          application_name: 'crypto-market-api:leader',
        });
        client.on('error', () => undefined); // surfaced by the next query instead
        let stopDuty: (() => Promise<void>) | undefined;
        try {
          await client.connect();
          const { rows } = await client.query<{ locked: boolean }>(
            'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked',
            [name],
          );
          if (rows[0]?.locked) {
            this.logger.log(`leading ${name}`);
            stopDuty = await start();
            while (!stopped) {
              await pause(Math.min(retryMs, 5_000));
              if (!stopped) await client.query('SELECT 1');
            }
          }
        } catch (error) {
          this.logger.warn(
            `${name}: leadership lost or not reachable: ${(error as Error).message}`,
          );
        }
        await stopDuty?.().catch(() => undefined);
        // Ending the session releases the lock.
        await client.end().catch(() => undefined);
        if (!stopped) await pause(retryMs);
      }
    };
    const running = loop().catch((error: unknown) =>
      this.logger.error({ err: error }, `${name}: duty failed`),
    );
    return {
      stop: async () => {
        stopped = true;
        wake();
        await running;
      },
    };
  }

  /**
   * Whether someone holds the lock `name` now: any instance (server mode: PostgreSQL drops a
   * dead session's locks as soon as it sees the connection close), or this process (embedded).
   */
  async isHeld(name: string): Promise<boolean> {
    if (this.server.isEmbedded) return this.heldHere.has(name);
    const [row] = await this.dataSource.query<{ held: boolean }[]>(
      `SELECT EXISTS (
         SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1
           AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
           AND ((classid::bigint << 32) | objid::bigint) = hashtextextended($1, 0)
       ) AS held`,
      [name],
    );
    return row?.held === true;
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
