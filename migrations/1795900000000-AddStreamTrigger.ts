import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Kline backfills started by a live stream's (re)connection are runs of trigger 'stream'. */
export class AddStreamTrigger1795900000000 implements MigrationInterface {
  name = 'AddStreamTrigger1795900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE ingestion_runs DROP CONSTRAINT ingestion_runs_trigger_check,
         ADD CONSTRAINT ingestion_runs_trigger_check
         CHECK (trigger IN ('startup', 'schedule', 'manual', 'stream'))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM ingestion_runs WHERE trigger = 'stream'`);
    await queryRunner.query(
      `ALTER TABLE ingestion_runs DROP CONSTRAINT ingestion_runs_trigger_check,
         ADD CONSTRAINT ingestion_runs_trigger_check
         CHECK (trigger IN ('startup', 'schedule', 'manual'))`,
    );
  }
}
