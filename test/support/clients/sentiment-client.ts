// /api/v1/sentiment: one text, or a batch.
import type { SentimentAnalysisDto, SentimentBatchDto } from '../api-types';
import type { Answer, ApiClient, RequestOptions } from './api-client';

export class SentimentClient {
  constructor(private readonly api: ApiClient) {}

  /** `options` for other headers (another content type, say). */
  analyze(body: unknown, options?: RequestOptions): Promise<Answer<SentimentAnalysisDto>> {
    return this.api.post('/api/v1/sentiment/analyze', { ...options, body });
  }

  analyzeBatch(body: unknown): Promise<Answer<SentimentBatchDto>> {
    return this.api.post('/api/v1/sentiment/analyze/batch', { body });
  }
}
