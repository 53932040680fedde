// /api/v1/sentiment: one text, or a batch.
import type { SentimentAnalysisDto, SentimentBatchDto } from '../api-types';
import type { Answer, ApiClient } from './api-client';

export class SentimentClient {
  constructor(private readonly api: ApiClient) {}

  analyze(body: unknown): Promise<Answer<SentimentAnalysisDto>> {
    return this.api.post('/api/v1/sentiment/analyze', { body });
  }

  analyzeBatch(body: unknown): Promise<Answer<SentimentBatchDto>> {
    return this.api.post('/api/v1/sentiment/analyze/batch', { body });
  }
}
