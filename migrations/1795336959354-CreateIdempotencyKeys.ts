import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Responses of requests sent with an Idempotency-Key, so a retry replays instead of redoing. */
export class CreateIdempotencyKeys1795336959354 implements MigrationInterface {
  name = 'CreateIdempotencyKeys1795336959354';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE idempotency_keys (
        scope varchar(50) NOT NULL,
        key varchar(200) NOT NULL,
        request_hash char(64) NOT NULL,
        state varchar(16) NOT NULL CHECK (state IN ('in_progress', 'completed')),
        response_status integer,
        response_body jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_idempotency_keys PRIMARY KEY (scope, key)
      )
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE idempotency_keys`);
  }
}
