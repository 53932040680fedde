import { Injectable } from '@nestjs/common';
import {
  toSentimentAnalysisDto,
  type SentimentAnalysisDto,
  type SentimentBatchDto,
} from './dto/sentiment-analysis.dto';
import { SentimentClassifier } from './sentiment-classifier';

@Injectable()
export class SentimentService {
  constructor(private readonly classifier: SentimentClassifier) {}

  analyze(text: string): SentimentAnalysisDto {
    return toSentimentAnalysisDto(this.classifier.analyze(text));
  }

  analyzeBatch(texts: string[]): SentimentBatchDto {
    const results = texts.map((text) => this.analyze(text));
    const count = (label: SentimentAnalysisDto['sentiment']) =>
      results.filter((result) => result.sentiment === label).length;
    const scoreSum = results.reduce((sum, result) => sum + result.score, 0);
    const meanScore = results.length === 0 ? 0 : scoreSum / results.length;
    return {
      results,
      aggregate: {
        total: results.length,
        bullish: count('Bullish'),
        bearish: count('Bearish'),
        neutral: count('Neutral'),
        mean_score: Math.round(meanScore * 1_000) / 1_000,
      },
    };
  }
}
