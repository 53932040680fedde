import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Candles and their roll-ups lose their foreign keys to assets. A foreign key is checked
 * row by row (a lookup and a row lock on `assets` per inserted candle), which more than
 * doubled the cost of bulk candle inserts: 500k rows took 3.6 s with it and 1.5 s without
 * on the development machine. The same guarantees hold another way:
 * - inserts: `CandlesRepository` locks the batch's assets `FOR KEY SHARE` (what the foreign
 *   key does per row, once per asset) and refuses a batch naming an unknown asset;
 * - deletes: a trigger on `assets` deletes the asset's candles and roll-ups (the former
 *   ON DELETE CASCADE).
 */
export class CandlesWithoutRowForeignKeys1796152448606 implements MigrationInterface {
  name = 'CandlesWithoutRowForeignKeys1796152448606';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE candles DROP CONSTRAINT candles_asset_id_fkey`);
    await queryRunner.query(
      `ALTER TABLE candle_rollups DROP CONSTRAINT candle_rollups_asset_id_fkey`,
    );
    await queryRunner.query(`
      CREATE FUNCTION delete_asset_candles() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM candles WHERE asset_id = OLD.id;
        DELETE FROM candle_rollups WHERE asset_id = OLD.id;
        RETURN OLD;
      END
      $$`);
    await queryRunner.query(`
      CREATE TRIGGER assets_delete_candles AFTER DELETE ON assets
        FOR EACH ROW EXECUTE FUNCTION delete_asset_candles()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER assets_delete_candles ON assets`);
    await queryRunner.query(`DROP FUNCTION delete_asset_candles()`);
    for (const table of ['candles', 'candle_rollups']) {
      await queryRunner.query(
        `DELETE FROM ${table} t WHERE NOT EXISTS (SELECT 1 FROM assets a WHERE a.id = t.asset_id)`,
      );
    }
    await queryRunner.query(`
      ALTER TABLE candles ADD CONSTRAINT candles_asset_id_fkey
        FOREIGN KEY (asset_id) REFERENCES assets (id) ON DELETE CASCADE`);
    await queryRunner.query(`
      ALTER TABLE candle_rollups ADD CONSTRAINT candle_rollups_asset_id_fkey
        FOREIGN KEY (asset_id) REFERENCES assets (id) ON DELETE CASCADE`);
  }
}
