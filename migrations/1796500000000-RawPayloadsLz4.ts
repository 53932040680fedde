import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Raw payloads are compressed with LZ4 where the server supports it (PostgreSQL 14+ built
 * with lz4, which the Debian and official images are; PGlite is not, and keeps pglz).
 * A 1,000-kline Binance page (167 kB of jsonb) took 6.1 ms to insert with pglz and 2.8 ms
 * with lz4 on the development machine, for the same stored size (24 kB against 26 kB):
 * raw payloads are written on every fetch and read rarely, so cheap compression wins.
 * Rows already stored keep their pglz compression; both read back alike.
 */
export class RawPayloadsLz41796500000000 implements MigrationInterface {
  name = 'RawPayloadsLz41796500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const [row] = (await queryRunner.query(
      `SELECT 'lz4' = ANY (enumvals) AS supported FROM pg_settings WHERE name = 'default_toast_compression'`,
    )) as { supported: boolean }[];
    if (!row?.supported) return;
    await queryRunner.query(`ALTER TABLE raw_payloads ALTER COLUMN payload SET COMPRESSION lz4`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE raw_payloads ALTER COLUMN payload SET COMPRESSION pglz`);
  }
}
