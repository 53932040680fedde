import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A raw payload PostgreSQL's jsonb refuses — a `\u0000` or a lone UTF-16 surrogate escaped in
 * a string, nesting deeper than its parser's stack — is still kept: as the text received,
 * in `payload_text`, instead of failing the whole run. A large one (a bulk CSV of megabytes)
 * is gzipped by the service (off the event loop) into `payload_gzip`, stored as is: parsing
 * or compressing megabytes inside PGlite held the only connection for seconds. Each row has
 * exactly one of the three.
 */
export class RawPayloadsAsReceivedText1796800000000 implements MigrationInterface {
  name = 'RawPayloadsAsReceivedText1796800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE raw_payloads
        ALTER COLUMN payload DROP NOT NULL,
        ADD COLUMN payload_text text,
        ADD COLUMN payload_gzip bytea,
        ADD CONSTRAINT ck_raw_payloads_one_form CHECK (
          num_nonnulls(payload, payload_text, payload_gzip) = 1
        )
    `);
    await queryRunner.query(
      `ALTER TABLE raw_payloads ALTER COLUMN payload_gzip SET STORAGE EXTERNAL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM raw_payloads WHERE payload IS NULL`);
    await queryRunner.query(`
      ALTER TABLE raw_payloads
        DROP CONSTRAINT ck_raw_payloads_one_form,
        DROP COLUMN payload_gzip,
        DROP COLUMN payload_text,
        ALTER COLUMN payload SET NOT NULL
    `);
  }
}
