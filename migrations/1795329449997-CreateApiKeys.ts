import type { MigrationInterface, QueryRunner } from 'typeorm';

/** API keys for admin and partner access; only the SHA-256 of a key is stored. */
export class CreateApiKeys1795329449997 implements MigrationInterface {
  name = 'CreateApiKeys1795329449997';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(100) NOT NULL,
        role varchar(20) NOT NULL CHECK (role IN ('admin', 'partner', 'reader')),
        key_prefix varchar(12) NOT NULL,
        key_hash char(64) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked boolean NOT NULL DEFAULT false,
        CONSTRAINT uq_api_keys_key_hash UNIQUE (key_hash)
      )
    `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX uq_api_keys_active_name ON api_keys (name) WHERE NOT revoked`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE api_keys`);
  }
}
