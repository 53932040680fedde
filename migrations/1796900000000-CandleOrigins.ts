import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Hourly and daily candles come from two places: roll-ups of finer candles of the same source
 * (`origin = 'rollup'`) and candles a source delivered at that width (`origin = 'direct'`:
 * Binance 1h/1d klines, CoinGecko daily history, bundled or imported files). Both are kept,
 * side by side, so neither silently replaces the other; reads choose one per bucket
 * (docs/architecture.md, "Candle precedence"):
 * - `resolution`: the width in seconds of the finest data the candle was built from
 *   (60 for a roll-up of 1-minute candles, 3600 for a daily roll-up over hourly klines, the
 *   candle's own width for a direct one);
 * - `complete`: the candle covers its whole bucket, or for an open bucket everything up to now
 *   (a roll-up with missing inputs is not complete; a direct candle is the source's own view
 *   of the bucket and is).
 */
export class CandleOrigins1796900000000 implements MigrationInterface {
  name = 'CandleOrigins1796900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE candle_rollups
        ADD COLUMN origin varchar(6) NOT NULL DEFAULT 'rollup',
        ADD COLUMN resolution integer NOT NULL DEFAULT 60,
        ADD COLUMN complete boolean NOT NULL DEFAULT true,
        ADD CONSTRAINT candle_rollups_origin_check CHECK (origin IN ('rollup', 'direct')),
        ADD CONSTRAINT candle_rollups_resolution_check CHECK (resolution > 0)`);
    await queryRunner.query(`ALTER TABLE candle_rollups DROP CONSTRAINT pk_candle_rollups`);
    await queryRunner.query(`
      ALTER TABLE candle_rollups ADD CONSTRAINT pk_candle_rollups
        PRIMARY KEY (asset_id, timeframe, open_time, source, origin)`);
    // Daily roll-ups were built from hourly roll-ups of 1-minute candles.
    await queryRunner.query(`UPDATE candle_rollups SET resolution = 60 WHERE timeframe = '1d'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM candle_rollups WHERE origin = 'direct'`);
    await queryRunner.query(`ALTER TABLE candle_rollups DROP CONSTRAINT pk_candle_rollups`);
    await queryRunner.query(`
      ALTER TABLE candle_rollups ADD CONSTRAINT pk_candle_rollups
        PRIMARY KEY (asset_id, timeframe, open_time, source)`);
    await queryRunner.query(`
      ALTER TABLE candle_rollups
        DROP CONSTRAINT candle_rollups_resolution_check,
        DROP CONSTRAINT candle_rollups_origin_check,
        DROP COLUMN complete, DROP COLUMN resolution, DROP COLUMN origin`);
  }
}
