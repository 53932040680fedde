import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Market data: assets (one per symbol, provider ids kept), price snapshots, 1-minute OHLCV
 * candles, and their hourly and daily roll-ups (maintained on ingestion so that long-range
 * charts read hundreds of rows, not hundreds of thousands). Money and amounts are numeric.
 * Candles carry no index besides their primary key: each extra index cost ~30% of bulk
 * ingestion speed, and every read (and retention, per asset) goes through the key.
 */
export class CreateMarketData1795330856396 implements MigrationInterface {
  name = 'CreateMarketData1795330856396';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE assets (
        id serial PRIMARY KEY,
        symbol varchar(20) NOT NULL,
        name varchar(200) NOT NULL,
        slug varchar(200),
        coingecko_id varchar(200),
        coinmarketcap_id integer,
        coinpaprika_id varchar(200),
        market_cap_rank integer,
        current_price numeric,
        market_cap numeric,
        fully_diluted_valuation numeric,
        total_volume numeric,
        high_24h numeric,
        low_24h numeric,
        price_change_24h numeric,
        price_change_percentage_1h numeric,
        price_change_percentage_24h numeric,
        price_change_percentage_7d numeric,
        price_change_percentage_30d numeric,
        circulating_supply numeric,
        total_supply numeric,
        max_supply numeric,
        ath numeric,
        ath_date timestamptz,
        atl numeric,
        atl_date timestamptz,
        image_url text,
        description text,
        website text,
        is_active boolean NOT NULL DEFAULT true,
        source varchar(32) NOT NULL,
        last_updated timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_assets_symbol UNIQUE (symbol),
        CONSTRAINT ck_assets_symbol CHECK (symbol ~ '^[A-Z0-9]{1,20}$')
      )
    `);
    await queryRunner.query(
      `CREATE INDEX ix_assets_market_cap ON assets (market_cap DESC NULLS LAST)`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_assets_total_volume ON assets (total_volume DESC NULLS LAST)`,
    );
    await queryRunner.query(`CREATE INDEX ix_assets_rank ON assets (market_cap_rank)`);

    await queryRunner.query(`
      CREATE TABLE price_snapshots (
        asset_id integer NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
        "timestamp" timestamptz NOT NULL,
        source varchar(32) NOT NULL,
        price numeric NOT NULL,
        market_cap numeric,
        total_volume numeric,
        CONSTRAINT pk_price_snapshots PRIMARY KEY (asset_id, "timestamp", source)
      )
    `);
    await queryRunner.query(
      `CREATE INDEX ix_price_snapshots_timestamp ON price_snapshots ("timestamp")`,
    );

    await queryRunner.query(`
      CREATE TABLE candles (
        asset_id integer NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
        open_time timestamptz NOT NULL,
        source varchar(32) NOT NULL,
        open numeric NOT NULL,
        high numeric NOT NULL,
        low numeric NOT NULL,
        close numeric NOT NULL,
        volume numeric NOT NULL DEFAULT 0,
        quote_volume numeric,
        trade_count integer NOT NULL DEFAULT 0,
        vwap numeric,
        is_closed boolean NOT NULL DEFAULT true,
        CONSTRAINT pk_candles PRIMARY KEY (asset_id, open_time, source)
      )
    `);

    await queryRunner.query(`
      CREATE TABLE candle_rollups (
        asset_id integer NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
        timeframe varchar(4) NOT NULL CHECK (timeframe IN ('1h', '1d')),
        open_time timestamptz NOT NULL,
        source varchar(32) NOT NULL,
        open numeric NOT NULL,
        high numeric NOT NULL,
        low numeric NOT NULL,
        close numeric NOT NULL,
        volume numeric NOT NULL DEFAULT 0,
        quote_volume numeric,
        trade_count integer NOT NULL DEFAULT 0,
        is_closed boolean NOT NULL DEFAULT true,
        CONSTRAINT pk_candle_rollups PRIMARY KEY (asset_id, timeframe, open_time, source)
      )
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE candle_rollups`);
    await queryRunner.query(`DROP TABLE candles`);
    await queryRunner.query(`DROP TABLE price_snapshots`);
    await queryRunner.query(`DROP TABLE assets`);
  }
}
