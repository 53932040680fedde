import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ingestion bookkeeping: every raw payload as fetched (deduplicated by checksum), a record
 * of every run, and per-source checkpoints written in the same transaction as the data.
 */
export class CreateIngestion1795334943952 implements MigrationInterface {
  name = 'CreateIngestion1795334943952';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE ingestion_runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        source varchar(32) NOT NULL,
        trigger varchar(16) NOT NULL CHECK (trigger IN ('startup', 'schedule', 'manual')),
        status varchar(16) NOT NULL CHECK (status IN ('running', 'success', 'partial', 'failed', 'skipped')),
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        fetched_count integer NOT NULL DEFAULT 0,
        created_count integer NOT NULL DEFAULT 0,
        updated_count integer NOT NULL DEFAULT 0,
        skipped_count integer NOT NULL DEFAULT 0,
        anomaly_count integer NOT NULL DEFAULT 0,
        drift_count integer NOT NULL DEFAULT 0,
        duration_ms integer,
        error text,
        details jsonb NOT NULL DEFAULT '{}'
      )
    `);
    await queryRunner.query(
      `CREATE INDEX ix_ingestion_runs_source_started ON ingestion_runs (source, started_at)`,
    );

    await queryRunner.query(`
      CREATE TABLE raw_payloads (
        id bigserial PRIMARY KEY,
        source varchar(32) NOT NULL,
        fetched_at timestamptz NOT NULL DEFAULT now(),
        checksum char(64) NOT NULL,
        payload jsonb NOT NULL,
        run_id uuid REFERENCES ingestion_runs (id) ON DELETE SET NULL,
        CONSTRAINT uq_raw_payloads_source_checksum UNIQUE (source, checksum)
      )
    `);

    await queryRunner.query(`
      CREATE TABLE etl_checkpoints (
        source varchar(32) NOT NULL,
        key varchar(100) NOT NULL DEFAULT '',
        cursor jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_etl_checkpoints PRIMARY KEY (source, key)
      )
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE etl_checkpoints`);
    await queryRunner.query(`DROP TABLE raw_payloads`);
    await queryRunner.query(`DROP TABLE ingestion_runs`);
  }
}
