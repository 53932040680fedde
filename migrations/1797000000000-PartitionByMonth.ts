import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 1-minute candles and price snapshots become tables partitioned by month (`PARTITION BY
 * RANGE` on their time, UTC months, partitions named `<table>_YYYY_MM`); existing rows move.
 *
 * - Why monthly: a month of 1-minute candles for 250 assets is 10.8M rows (1.7 GB with its
 *   key, bench:deep), small enough to index and vacuum, and retention (365 days) keeps about
 *   13 of them; dropping one takes ~45 ms instead of a DELETE of every row (then vacuum).
 *   Daily partitions would be ~400 tables per parent (planning cost on every read that
 *   does not prune); yearly ones would make retention delete up to a year of rows.
 * - Why no DEFAULT partition: a row in it for month M would make creating M's partition fail
 *   (PostgreSQL checks the default holds none of M) until someone moved the rows out.
 *   Instead `create_month_partitions(table, first, last)` creates the months a write needs
 *   (`TimePartitions.ensure` on every write path) and a daily job creates the next ones ahead.
 *   It serialises creators per partition with an advisory lock and `IF NOT EXISTS`, so
 *   instances racing for the same month both succeed.
 * - `candle_rollups` stays one table: it is never expired, and 250 assets × (days since 2017 +
 *   2 years of hours + roll-ups) is 5.6M rows, 1.2 GB with indexes (bench:deep), whose key
 *   range scans stay a few pages deep; yearly partitions would expire nothing and give the
 *   all-history weekly chart ten partitions to plan.
 * - The primary keys already start with the asset and contain the partition column, so they
 *   stay as they were (each partition gets its part); the trigger deleting an asset's candles
 *   and the snapshots' foreign key with ON DELETE CASCADE work on the partitioned tables.
 */
export class PartitionByMonth1797000000000 implements MigrationInterface {
  name = 'PartitionByMonth1797000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION create_month_partitions(parent text, first timestamptz, last timestamptz)
      RETURNS integer LANGUAGE plpgsql AS $$
      DECLARE
        month timestamp := date_trunc('month', first AT TIME ZONE 'UTC');
        partition text;
        created integer := 0;
      BEGIN
        WHILE month <= last AT TIME ZONE 'UTC' LOOP
          partition := parent || '_' || to_char(month, 'YYYY_MM');
          IF to_regclass(partition) IS NULL THEN
            PERFORM pg_advisory_xact_lock(hashtextextended('partition:' || partition, 0));
            EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
              partition, parent, to_char(month, 'YYYY-MM-DD "00:00:00+00"'),
              to_char(month + interval '1 month', 'YYYY-MM-DD "00:00:00+00"'));
            created := created + 1;
          END IF;
          month := month + interval '1 month';
        END LOOP;
        RETURN created;
      END
      $$`);

    await this.partition(queryRunner, 'candles', 'open_time', 'pk_candles');
    await this.partition(queryRunner, 'price_snapshots', '"timestamp"', 'pk_price_snapshots');
    await queryRunner.query(
      `CREATE INDEX ix_price_snapshots_timestamp ON price_snapshots ("timestamp")`,
    );
    await queryRunner.query(`
      ALTER TABLE price_snapshots ADD CONSTRAINT price_snapshots_asset_id_fkey
        FOREIGN KEY (asset_id) REFERENCES assets (id) ON DELETE CASCADE`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const [table, pk] of [
      ['candles', 'pk_candles'],
      ['price_snapshots', 'pk_price_snapshots'],
    ]) {
      await queryRunner.query(`ALTER TABLE ${table} RENAME TO ${table}_partitioned`);
      await queryRunner.query(
        `ALTER TABLE ${table}_partitioned RENAME CONSTRAINT ${pk} TO ${pk}_partitioned`,
      );
      await queryRunner.query(
        `CREATE TABLE ${table} (LIKE ${table}_partitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`,
      );
      await queryRunner.query(`INSERT INTO ${table} SELECT * FROM ${table}_partitioned`);
      await queryRunner.query(`DROP TABLE ${table}_partitioned`);
    }
    await queryRunner.query(
      `ALTER TABLE candles ADD CONSTRAINT pk_candles PRIMARY KEY (asset_id, open_time, source)`,
    );
    await queryRunner.query(`
      ALTER TABLE price_snapshots ADD CONSTRAINT pk_price_snapshots
        PRIMARY KEY (asset_id, "timestamp", source)`);
    await queryRunner.query(
      `CREATE INDEX ix_price_snapshots_timestamp ON price_snapshots ("timestamp")`,
    );
    await queryRunner.query(`
      ALTER TABLE price_snapshots ADD CONSTRAINT price_snapshots_asset_id_fkey
        FOREIGN KEY (asset_id) REFERENCES assets (id) ON DELETE CASCADE`);
    await queryRunner.query(
      `DROP FUNCTION create_month_partitions(text, timestamptz, timestamptz)`,
    );
  }

  /**
   * Replaces `table` by a table partitioned by month on `column` with the same columns,
   * defaults, checks and primary key, with partitions from its oldest row's month to two
   * months ahead, and moves its rows.
   */
  private async partition(
    queryRunner: QueryRunner,
    table: string,
    column: string,
    pk: string,
  ): Promise<void> {
    const old = `${table}_unpartitioned`;
    const [{ columns }] = (await queryRunner.query(
      `SELECT pg_get_constraintdef(oid) AS columns FROM pg_constraint WHERE conname = $1`,
      [pk],
    )) as { columns: string }[];
    await queryRunner.query(`ALTER TABLE ${table} RENAME TO ${old}`);
    await queryRunner.query(`ALTER TABLE ${old} RENAME CONSTRAINT ${pk} TO ${pk}_unpartitioned`);
    await queryRunner.query(
      `CREATE TABLE ${table} (LIKE ${old} INCLUDING DEFAULTS INCLUDING CONSTRAINTS,
         CONSTRAINT ${pk} ${columns})
       PARTITION BY RANGE (${column})`,
    );
    await queryRunner.query(
      `SELECT create_month_partitions('${table}', coalesce(min(${column}), now()),
                                      greatest(max(${column}), now() + interval '2 months'))
       FROM ${old}`,
    );
    await queryRunner.query(`INSERT INTO ${table} SELECT * FROM ${old}`);
    await queryRunner.query(`DROP TABLE ${old}`);
  }
}
