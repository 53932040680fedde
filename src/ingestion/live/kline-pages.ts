// One page of Binance klines as every kline job reads it: fetched, its raw payload kept under
// the run before anything is taken from it, and counted into the run's tallies.
import type { IngestionRepository } from '../ingestion.repository';
import type { BinanceProvider, Kline } from '../providers/binance.provider';
import type { RejectedRecord } from '../providers/market-data-provider';

/** What a run counts of the pages it reads. */
export interface KlineTally {
  fetched: number;
  rejected: RejectedRecord[];
}

export interface KlinePage {
  klines: Kline[];
  /** Rows on the page, valid or not (a short page is the last one). */
  rows: number;
}

export async function readKlinePage(
  binance: BinanceProvider,
  runs: IngestionRepository,
  page: { symbol: string; start: number; interval?: '1m' | '1h' | '1d'; runId: string },
  tally: KlineTally,
  signal: AbortSignal,
): Promise<KlinePage> {
  const fetched = await binance.fetchKlines(page.symbol, page.start, signal, page.interval);
  await runs.storeRawPayload(binance.name, new Date(), fetched.payload, page.runId, fetched.text);
  tally.fetched += fetched.payload.length;
  tally.rejected.push(...fetched.rejected);
  return { klines: fetched.klines, rows: fetched.payload.length };
}
