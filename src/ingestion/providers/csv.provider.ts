import { Injectable } from '@nestjs/common';
import { parse, type Info } from 'csv-parse';
import { readFile } from 'node:fs/promises';
import { AppConfig } from '../../config/app-config';
import { SYMBOL_PATTERN } from '../../common/pipes/parse-symbol.pipe';
import { assetProblems } from './record-checks';
import type {
  FetchedPayload,
  MarketDataProvider,
  NormalisedBatch,
  RejectedRecord,
  NormalisedAsset,
} from './market-data-provider';

const REQUIRED = ['symbol', 'name', 'price_usd'] as const;
/** Characters of CSV text parsed at a time, and rows checked at a time, between yields. */
const TEXT_SLICE_CHARS = 64 * 1024;
const ROWS_PER_SLICE = 5_000;

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

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
    // The raw payload is the file as read, not a JSON wrapper of megabytes of text.
    return {
      source: this.name,
      fetchedAt: new Date(),
      payload: { format: 'csv', path, text },
      text,
      textIsNotJson: true,
    };
  }

  async normalise(fetched: FetchedPayload): Promise<NormalisedBatch> {
    const { text } = fetched.payload as { text: string };
    const records = await this.parse(text);
    const columns = new Set(records[0] ? Object.keys(records[0].record) : this.headerOf(text));
    const missing = REQUIRED.filter((c) => !columns.has(c));
    if (missing.length > 0)
      throw new Error(`CSV is missing required column(s): ${missing.join(', ')}`);

    const batch: NormalisedBatch = { assets: [], snapshots: [], rejected: [], drift: [] };
    const seen = new Set<string>();
    for (const [index, { record, info }] of records.entries()) {
      // A large file is checked in slices, letting the event loop run in between.
      if (index > 0 && index % ROWS_PER_SLICE === 0) await yieldToEventLoop();
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

  /**
   * The rows of a CSV text, fed to the streaming parser a slice at a time so that a large
   * file (200,000 rows) never blocks the event loop for long.
   */
  private async parse(text: string): Promise<{ record: Row; info: Info }[]> {
    const parser = parse({
      bom: true,
      columns: (header: string[]) => header.map((h) => this.column(h)),
      skip_empty_lines: true,
      trim: true,
      info: true,
    });
    const records: { record: Row; info: Info }[] = [];
    const drain = () => {
      for (let row = parser.read() as unknown; row !== null; row = parser.read() as unknown) {
        records.push(row as { record: Row; info: Info });
      }
    };
    const ended = new Promise<void>((resolve, reject) => {
      parser.once('end', resolve);
      parser.once('error', reject);
    });
    for (let offset = 0; offset < text.length; offset += TEXT_SLICE_CHARS) {
      parser.write(text.slice(offset, offset + TEXT_SLICE_CHARS));
      drain(); // this slice's rows, now: nothing piles up for one long burst later
      await yieldToEventLoop();
    }
    parser.once('readable', drain);
    parser.end();
    drain();
    await ended;
    drain();
    return records;
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
  private toAsset(row: Row, fetchedAt: Date): NormalisedAsset | string {
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
    const asset: NormalisedAsset = {
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
