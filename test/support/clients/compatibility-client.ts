// The routes kept for the replaced systems' clients: the ETL service's /data and /stats, the
// market service's /api/market/*, /api/v1/latest and /api/v1/historical, and the old sentiment path.
import type {
  DataExportDto,
  HistoricalWindowDto,
  IngestionStatsDto,
  LatestWindowDto,
  MarketOhlcDto,
  MarketPriceDto,
  SentimentAnalysisDto,
} from '../api-types';
import type { Answer, ApiClient, Query, RequestOptions } from './api-client';

export class CompatibilityClient {
  constructor(private readonly api: ApiClient) {}

  /** GET /data: the ETL service's listing. */
  data(query?: Query): Promise<Answer<DataExportDto>> {
    return this.api.get('/data', { query });
  }

  /** GET /stats: the ETL service's ingestion statistics. */
  stats(): Promise<Answer<IngestionStatsDto>> {
    return this.api.get('/stats');
  }

  /** GET /api/market/price?symbol=… */
  marketPrice(query?: Query, options?: RequestOptions): Promise<Answer<MarketPriceDto>> {
    return this.api.get('/api/market/price', { ...options, query });
  }

  /** GET /api/market/ohlc?symbol=…&interval=… */
  marketOhlc(query?: Query, options?: RequestOptions): Promise<Answer<MarketOhlcDto>> {
    return this.api.get('/api/market/ohlc', { ...options, query });
  }

  /** GET /api/v1/latest/:symbol */
  latest(symbol: string, options?: RequestOptions): Promise<Answer<LatestWindowDto>> {
    return this.api.get(`/api/v1/latest/${encodeURIComponent(symbol)}`, options);
  }

  /** GET /api/v1/historical/:symbol */
  historical(symbol: string, query?: Query): Promise<Answer<HistoricalWindowDto[]>> {
    return this.api.get(`/api/v1/historical/${encodeURIComponent(symbol)}`, { query });
  }

  /** POST /api/sentiment/analyze */
  analyzeSentiment(body: unknown): Promise<Answer<SentimentAnalysisDto>> {
    return this.api.post('/api/sentiment/analyze', { body });
  }
}
