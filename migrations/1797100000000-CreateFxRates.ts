import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Quote currencies other than USD (issue 19). `fx_currencies` lists the fiat (and commodity)
 * currencies an FX source has supplied; `fx_rates` keeps one rate a day per currency, in
 * units of the currency per US dollar, exact (`numeric`), with the source that supplied it.
 * Crypto quote currencies (btc, eth, sats, …) are not stored here: they come from the
 * service's own candles.
 */
export class CreateFxRates1797100000000 implements MigrationInterface {
  name = 'CreateFxRates1797100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE fx_currencies (
        code varchar(10) PRIMARY KEY CHECK (code ~ '^[a-z]{2,10}$'),
        name varchar(100) NOT NULL,
        kind varchar(10) NOT NULL CHECK (kind IN ('fiat', 'commodity')),
        source varchar(32) NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE fx_rates (
        currency varchar(10) NOT NULL REFERENCES fx_currencies (code) ON DELETE CASCADE,
        day date NOT NULL,
        rate numeric NOT NULL CHECK (rate > 0),
        source varchar(32) NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (currency, day)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE fx_rates`);
    await queryRunner.query(`DROP TABLE fx_currencies`);
  }
}
