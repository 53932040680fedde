import type { EntityManager } from 'typeorm';

/**
 * Lets the current transaction commit without waiting for its WAL to reach the disk
 * (PostgreSQL `synchronous_commit = off`, for this transaction only). For ingestion of
 * data that can be fetched again: a crash may lose the last few hundred milliseconds of
 * commits (up to 3 × `wal_writer_delay`), always whole and in commit order — data with its
 * checkpoint, so the next run fetches them again — and never corrupts or half-applies one.
 */
export async function asynchronousCommit(manager: EntityManager): Promise<void> {
  await manager.query('SET LOCAL synchronous_commit = off');
}
