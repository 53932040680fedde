// Ingestion: manual syncs, candle-file imports, the record of runs and the statistics.
import type {
  CandleImportResultDto,
  IngestionRunDto,
  IngestionStatsDto,
  SyncResultDto,
} from '../api-types';
import type { Answer, ApiClient, Query, RequestOptions } from './api-client';

const SYNC = '/api/v1/cryptocurrencies/sync';
const RUNS = '/api/v1/ingestion/runs';

export class IngestionClient {
  constructor(private readonly api: ApiClient) {}

  /** POST /sync; `query` carries source, wait and the like, `options` a body or an Idempotency-Key. */
  sync(query?: Query, options?: RequestOptions): Promise<Answer<SyncResultDto>> {
    return this.api.post(SYNC, { ...options, query });
  }

  /** POST /sync/candles with a file's text as the body. */
  importCandles(
    file: string | Uint8Array,
    query?: Query,
    headers: Record<string, string> = { 'content-type': 'text/csv' },
  ): Promise<Answer<CandleImportResultDto>> {
    return this.api.post(`${SYNC}/candles`, { query, body: file, headers });
  }

  runs(query?: Query): Promise<Answer<IngestionRunDto[]>> {
    return this.api.get(RUNS, { query });
  }

  run(id: string): Promise<Answer<IngestionRunDto>> {
    return this.api.get(`${RUNS}/${encodeURIComponent(id)}`);
  }

  stats(): Promise<Answer<IngestionStatsDto>> {
    return this.api.get('/api/v1/ingestion/stats');
  }
}
