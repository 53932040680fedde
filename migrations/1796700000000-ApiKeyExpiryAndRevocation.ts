import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Keys managed over the API: an optional expiry, and when a key was revoked. A revoked or
 * expired key is refused; its row stays as a record of who had access and when.
 */
export class ApiKeyExpiryAndRevocation1796700000000 implements MigrationInterface {
  name = 'ApiKeyExpiryAndRevocation1796700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE api_keys
        ADD COLUMN expires_at timestamptz,
        ADD COLUMN revoked_at timestamptz
    `);
    await queryRunner.query(`UPDATE api_keys SET revoked_at = now() WHERE revoked`);
    await queryRunner.query(`
      ALTER TABLE api_keys
        ADD CONSTRAINT ck_api_keys_revoked_at CHECK (revoked = (revoked_at IS NOT NULL))
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE api_keys
        DROP CONSTRAINT ck_api_keys_revoked_at,
        DROP COLUMN revoked_at,
        DROP COLUMN expires_at
    `);
  }
}
