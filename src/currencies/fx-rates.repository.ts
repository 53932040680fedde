import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { pgDecimals, pgTexts } from '../database/pg-arrays';
import { bestRowsSql } from '../price-history/candle-sql';

export interface FxCurrencyRow {
  code: string;
  name: string;
  kind: 'fiat' | 'commodity';
}

export interface FxRateWrite {
  currency: string;
  /** `YYYY-MM-DD` (UTC). */
  day: string;
  /** Units of the currency per US dollar, as a decimal string. */
  rate: string;
  source: string;
}

/** The source of bundled history: any other source's rate for the same day replaces it. */
export const BUNDLED_FX_SOURCE = 'bundled';

/** At most this many rows per statement (4 arrays: far below the bind limit either way). */
const WRITE_CHUNK = 5_000;

/** FX currencies and daily rates, and the USD prices crypto quote currencies are made of. */
@Injectable()
export class FxRatesRepository {
  constructor(private readonly dataSource: DataSource) {}

  async upsertCurrencies(rows: readonly (FxCurrencyRow & { source: string })[]): Promise<void> {
    if (rows.length === 0) return;
    await this.dataSource.query(
      `INSERT INTO fx_currencies (code, name, kind, source)
       SELECT * FROM UNNEST($1::varchar[], $2::varchar[], $3::varchar[], $4::varchar[])
       ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind,
         source = EXCLUDED.source, updated_at = now()
       WHERE (fx_currencies.name, fx_currencies.kind) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.kind)`,
      [
        pgTexts(rows.map((r) => r.code)),
        pgTexts(rows.map((r) => r.name)),
        pgTexts(rows.map((r) => r.kind)),
        pgTexts(rows.map((r) => r.source)),
      ],
    );
  }

  /**
   * Writes daily rates, one statement per chunk. A bundled rate never replaces another
   * source's rate for the same day; any other write replaces what is there.
   */
  async upsertRates(rows: readonly FxRateWrite[]): Promise<number> {
    let written = 0;
    for (let i = 0; i < rows.length; i += WRITE_CHUNK) {
      const chunk = rows.slice(i, i + WRITE_CHUNK);
      const result = await this.dataSource.query<{ n: string }[]>(
        `WITH written AS (
           INSERT INTO fx_rates (currency, day, rate, source)
           SELECT * FROM UNNEST($1::varchar[], $2::date[], $3::numeric[], $4::varchar[])
           ON CONFLICT (currency, day) DO UPDATE SET rate = EXCLUDED.rate, source = EXCLUDED.source,
             updated_at = now()
           WHERE (EXCLUDED.source <> '${BUNDLED_FX_SOURCE}' OR fx_rates.source = '${BUNDLED_FX_SOURCE}')
             AND (fx_rates.rate, fx_rates.source) IS DISTINCT FROM (EXCLUDED.rate, EXCLUDED.source)
           RETURNING 1)
         SELECT count(*) AS n FROM written`,
        [
          pgTexts(chunk.map((r) => r.currency)),
          pgTexts(chunk.map((r) => r.day)),
          pgDecimals(chunk.map((r) => r.rate)),
          pgTexts(chunk.map((r) => r.source)),
        ],
      );
      written += Number(result[0].n);
    }
    return written;
  }

  async currencies(): Promise<FxCurrencyRow[]> {
    return this.dataSource.query<FxCurrencyRow[]>(
      `SELECT code, name, kind FROM fx_currencies
       WHERE EXISTS (SELECT 1 FROM fx_rates WHERE currency = code) ORDER BY code`,
    );
  }

  /** Every rate of a currency, oldest first (a few thousand rows at most). */
  async rates(currency: string): Promise<{ day: number; rate: string }[]> {
    const rows = await this.dataSource.query<{ day: string; rate: string }[]>(
      `SELECT (extract(epoch FROM day) * 1000)::float8 AS day, rate::text AS rate
       FROM fx_rates WHERE currency = $1 ORDER BY day`,
      [currency],
    );
    return rows.map((r) => ({ day: Number(r.day), rate: r.rate }));
  }

  /** Which of these symbols are listed assets with a current price. */
  async pricedSymbols(symbols: readonly string[]): Promise<string[]> {
    const rows = await this.dataSource.query<{ symbol: string }[]>(
      `SELECT symbol FROM assets WHERE symbol = ANY($1::varchar[]) AND current_price > 0`,
      [pgTexts(symbols)],
    );
    return rows.map((r) => r.symbol);
  }

  /** An asset's current USD price (what its listing shows), if any. */
  async currentPrice(symbol: string): Promise<string | null> {
    const rows = await this.dataSource.query<{ price: string | null }[]>(
      `SELECT current_price::text AS price FROM assets WHERE symbol = $1 AND current_price > 0`,
      [symbol],
    );
    return rows[0]?.price ?? null;
  }

  /** An asset's daily closes in USD (the candle each day serves), oldest first. */
  async dailyCloses(symbol: string): Promise<{ day: number; close: string }[]> {
    const rows = await this.dataSource.query<{ day: string; close: string }[]>(
      `SELECT (extract(epoch FROM best.open_time) * 1000)::float8 AS day, best.close::text AS close
       FROM (${bestRowsSql('1d')}) AS best
       WHERE best.close > 0
       ORDER BY best.open_time`,
      [await this.assetId(symbol), null, new Date(0), new Date(Date.now() + 86_400_000)],
    );
    return rows.map((r) => ({ day: Number(r.day), close: r.close }));
  }

  private async assetId(symbol: string): Promise<number> {
    const rows = await this.dataSource.query<{ id: number }[]>(
      `SELECT id FROM assets WHERE symbol = $1`,
      [symbol],
    );
    return rows[0]?.id ?? -1;
  }
}
