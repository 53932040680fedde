import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A replayed response must be the stored response: `jsonb` normalises an object (its keys
 * come back sorted by length, `run_id` before `message`), `json` keeps the text as written,
 * so a retry gets the same bytes as the first answer. Rows stored before keep the jsonb order.
 */
export class IdempotencyResponseAsWritten1796600000000 implements MigrationInterface {
  name = 'IdempotencyResponseAsWritten1796600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE idempotency_keys ALTER COLUMN response_body TYPE json USING response_body::json`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE idempotency_keys ALTER COLUMN response_body TYPE jsonb USING response_body::jsonb`,
    );
  }
}
