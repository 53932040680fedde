import { Injectable } from '@nestjs/common';
import { parse } from 'csv-parse/sync';
import { readFile } from 'node:fs/promises';
import { AppConfig } from '../../config/app-config';
import { SYMBOL_PATTERN } from '../../common/pipes/parse-symbol.pipe';
import type { AssetUpsert } from '../../cryptocurrencies/assets.repository';
import { assetProblems } from './record-checks';
import type {
  FetchedPayload,
  MarketDataProvider,
  NormalisedBatch,
  RejectedRecord,
} from './market-data-provider';

const REQUIRED = ['symbol', 'name', 'price_usd'] as const;

/** Known optional columns and the names other exports use for them. */
const ALIASES: Record<string, string> = {
  price: 'price_usd',
  volume: 'volume_24h',
  total_volume: 'volume_24h',
  percent_change_24h: 'change_24h',
  price_change_percentage_24h: 'change_24h',
  market_cap_rank: 'rank',
  timestamp: 'last_updated',
};

type Row = Record<string, string>;

/**
 * Assets from a CSV file (CSV_IMPORT_PATH): `symbol,name,price_usd` required; market_cap,
 * volume_24h, change_24h, rank, circulating/total/max_supply and last_updated used when
 * present. Tolerates a BOM, quoting and blank lines; a bad row is rejected on its own,
 * with its line number.
 */
@Injectable()
export class CsvProvider implements MarketDataProvider {
  readonly name = 'csv' as const;

  constructor(private readonly config: AppConfig) {}

  unavailableReason(): string | null {
    return null;
  }

  async fetch(signal: AbortSignal): Promise<FetchedPayload> {
    const path = this.config.ingestion.csvImportPath;
    const text = await readFile(path, { encoding: 'utf8', signal });
    return { source: this.name, fetchedAt: new Date(), payload: { format: 'csv', path, text } };
  }

  normalise(fetched: FetchedPayload): NormalisedBatch {
    const { text } = fetched.payload as { text: string };
    const records = parse<{ record: Row; info: { lines: number } }>(text, {
      bom: true,
      columns: (header: string[]) => header.map((h) => this.column(h)),
      skip_empty_lines: true,
      trim: true,
      info: true,
    });
    const columns = new Set(records[0] ? Object.keys(records[0].record) : this.headerOf(text));
    const missing = REQUIRED.filter((c) => !columns.has(c));
    if (missing.length > 0)
      throw new Error(`CSV is missing required column(s): ${missing.join(', ')}`);

    const batch: NormalisedBatch = { assets: [], snapshots: [], rejected: [], drift: [] };
    const seen = new Set<string>();
    for (const { record, info } of records) {
      const at = `line ${info.lines}`;
      const result = this.toAsset(record, fetched.fetchedAt);
      if (typeof result === 'string') {
        batch.rejected.push({ at, reason: result });
        continue;
      }
      if (seen.has(result.symbol)) {
        batch.rejected.push({ at, reason: `duplicate symbol ${result.symbol}` });
        continue;
      }
      seen.add(result.symbol);
      batch.assets.push(result);
      batch.snapshots.push({
        symbol: result.symbol,
        timestamp: result.lastUpdated ?? fetched.fetchedAt,
        price: result.currentPrice!,
        marketCap: result.marketCap ?? null,
        totalVolume: result.totalVolume ?? null,
      });
    }
    return batch;
  }

  private column(header: string): string {
    const name = header.trim().toLowerCase().replace(/\s+/g, '_');
    return ALIASES[name] ?? name;
  }

  private headerOf(text: string): string[] {
    const first = text
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)
      .find((line) => line.trim() !== '');
    return first ? first.split(',').map((h) => this.column(h.replace(/"/g, ''))) : [];
  }

  /** The asset of a row, or why the row cannot be used. */
  private toAsset(row: Row, fetchedAt: Date): AssetUpsert | string {
    const symbol = row.symbol?.toUpperCase() ?? '';
    if (!SYMBOL_PATTERN.test(symbol))
      return `symbol '${row.symbol ?? ''}' is not 1–20 letters or digits`;
    const name = row.name ?? '';
    if (name.length === 0 || name.length > 200) return 'name must be 1–200 characters';
    const problems: RejectedRecord['reason'][] = [];
    const number = (
      column: string,
      { min, required }: { min?: number; required?: boolean } = {},
    ) => {
      const text = row[column];
      if (text === undefined || text === '') {
        if (required) problems.push(`${column} is required`);
        return null;
      }
      const value = Number(text.replace(/[$,_]/g, ''));
      if (!Number.isFinite(value) || (min !== undefined && value < min)) {
        problems.push(
          `${column} '${text}' is not a valid number${min !== undefined ? ` ≥ ${min}` : ''}`,
        );
        return null;
      }
      return value;
    };
    const price = number('price_usd', { min: 0, required: true });
    const asset: AssetUpsert = {
      symbol,
      name,
      source: this.name,
      currentPrice: price,
      marketCap: number('market_cap', { min: 0 }),
      totalVolume: number('volume_24h', { min: 0 }),
      priceChangePercentage24h: number('change_24h'),
      marketCapRank: number('rank', { min: 1 }),
      circulatingSupply: number('circulating_supply', { min: 0 }),
      totalSupply: number('total_supply', { min: 0 }),
      maxSupply: number('max_supply', { min: 0 }),
      lastUpdated: fetchedAt,
    };
    if (
      asset.marketCapRank !== null &&
      asset.marketCapRank !== undefined &&
      !Number.isInteger(asset.marketCapRank)
    ) {
      problems.push(`rank '${row.rank}' is not a whole number`);
    }
    if (row.last_updated) {
      const when = new Date(row.last_updated);
      if (Number.isNaN(when.getTime()))
        problems.push(`last_updated '${row.last_updated}' is not a date`);
      else asset.lastUpdated = when;
    }
    if (problems.length === 0) problems.push(...assetProblems(asset, fetchedAt));
    return problems.length > 0 ? problems.join('; ') : asset;
  }
}
