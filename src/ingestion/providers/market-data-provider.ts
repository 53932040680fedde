import type { AssetRecord } from '../../common/market/asset-record';
import type { ProviderName } from '../../config/ingestion-environment';

/** A provider response exactly as fetched, before any interpretation. */
export interface FetchedPayload {
  source: ProviderName;
  fetchedAt: Date;
  /** JSON-serialisable; stored in raw_payloads when there is no `text`. */
  payload: unknown;
  /** The response body as received (several pages: a JSON array of the bodies); stored as is. */
  text?: string;
  /** `text` is not JSON (a CSV file): stored as text, never as jsonb. */
  textIsNotJson?: boolean;
}

/** An asset as a provider reports it, in the unified schema. */
export type NormalisedAsset = AssetRecord;

export interface SnapshotRecord {
  symbol: string;
  timestamp: Date;
  price: number;
  marketCap: number | null;
  totalVolume: number | null;
}

export interface RejectedRecord {
  /** Where the record was in the payload, e.g. `line 7`. */
  at: string;
  reason: string;
}

/** A payload in the unified schema, with what could not be used and why. */
export interface NormalisedBatch {
  assets: NormalisedAsset[];
  snapshots: SnapshotRecord[];
  rejected: RejectedRecord[];
  /** Fields missing, renamed or retyped compared with the documented format. */
  drift: string[];
}

export interface MarketDataProvider {
  readonly name: ProviderName;
  /** Why the source cannot run here (e.g. no API key), or null when it can. */
  unavailableReason(): string | null;
  /** `limit`: how many assets to fetch, for sources that page (others ignore it). */
  fetch(signal: AbortSignal, limit?: number): Promise<FetchedPayload>;
  /** Synchronous for a page; a bulk source (CSV) may take its time, yielding as it goes. */
  normalise(fetched: FetchedPayload): NormalisedBatch | Promise<NormalisedBatch>;
}

/** Every provider, gathered under one token (ingestion picks them by name). */
export const MARKET_DATA_PROVIDERS = Symbol('MARKET_DATA_PROVIDERS');
