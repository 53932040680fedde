import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An in-progress Idempotency-Key is leased, not held for its whole day: its holder renews
 * `lease_expires_at` while the request (or the run a 202 started) is alive, and a retry takes
 * over a key whose lease ran out (holder killed, database outage). `lease_token` names the
 * holder, so a holder that lost its key cannot overwrite the new one. Keys left in progress
 * before this are given the ten minutes after which a run is an orphan.
 */
export class IdempotencyLease1796860000000 implements MigrationInterface {
  name = 'IdempotencyLease1796860000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE idempotency_keys
        ADD COLUMN lease_token uuid,
        ADD COLUMN lease_expires_at timestamptz
    `);
    await queryRunner.query(`
      UPDATE idempotency_keys SET lease_expires_at = created_at + interval '10 minutes'
      WHERE state = 'in_progress'
    `);
    await queryRunner.query(`
      ALTER TABLE idempotency_keys ADD CONSTRAINT ck_idempotency_keys_lease
        CHECK (state = 'completed' OR lease_expires_at IS NOT NULL)
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE idempotency_keys
        DROP CONSTRAINT ck_idempotency_keys_lease,
        DROP COLUMN lease_expires_at,
        DROP COLUMN lease_token
    `);
  }
}
