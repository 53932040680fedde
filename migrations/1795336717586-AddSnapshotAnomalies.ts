import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Prices that jump or disagree with other sources are kept, flagged, and not served as current. */
export class AddSnapshotAnomalies1795336717586 implements MigrationInterface {
  name = 'AddSnapshotAnomalies1795336717586';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE price_snapshots ADD COLUMN is_anomaly boolean NOT NULL DEFAULT false`,
    );
    await queryRunner.query(`ALTER TABLE price_snapshots ADD COLUMN anomaly_reason text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE price_snapshots DROP COLUMN anomaly_reason`);
    await queryRunner.query(`ALTER TABLE price_snapshots DROP COLUMN is_anomaly`);
  }
}
