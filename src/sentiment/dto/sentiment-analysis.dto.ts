import { ApiProperty } from '@nestjs/swagger';
import {
  SENTIMENT_LABELS,
  type SentimentAnalysis,
  type SentimentLabel,
} from '../sentiment-analyzer';

export class SentimentKeywordsDto {
  @ApiProperty({ example: 2, description: 'Matched terms pulling the score up' })
  bullish!: number;

  @ApiProperty({ example: 0, description: 'Matched terms pulling the score down' })
  bearish!: number;

  @ApiProperty({ example: 2 })
  total!: number;
}

export class MatchedTermDto {
  @ApiProperty({
    example: 'not bullish',
    description: 'Lexicon term as normalised, with the negator or intensifier that applied',
  })
  term!: string;

  @ApiProperty({
    example: -2.22,
    description: 'Contribution to the raw score (lexicon weight -5…5 after modifiers)',
  })
  weight!: number;
}

export class SentimentAnalysisDto {
  @ApiProperty({ enum: SENTIMENT_LABELS, enumName: 'SentimentLabel', example: 'Bullish' })
  sentiment!: SentimentLabel;

  @ApiProperty({
    example: 0.85,
    minimum: 0,
    maximum: 1,
    description:
      'Distance of the score from the nearest label boundary, lowered when the terms disagree, ' +
      'mapped to 0.5…1 (1 for a Neutral text without any directional term). Not a probability.',
  })
  confidence!: number;

  @ApiProperty({
    example: 0.612,
    minimum: -1,
    maximum: 1,
    description: 'Bearish -1 … 1 bullish; |score| ≥ 0.3 gives a Bullish or Bearish label',
  })
  score!: number;

  @ApiProperty({ type: SentimentKeywordsDto })
  keywords!: SentimentKeywordsDto;

  @ApiProperty({
    type: [MatchedTermDto],
    example: [
      { term: 'surging', weight: 2.5 },
      { term: 'bullish', weight: 3 },
    ],
  })
  matched!: MatchedTermDto[];

  @ApiProperty({
    type: [String],
    example: ['BTC'],
    description: 'Assets mentioned by cashtag, name or ticker, in order of first mention',
  })
  symbols!: string[];
}

export class SentimentAggregateDto {
  @ApiProperty({ example: 3 })
  total!: number;

  @ApiProperty({ example: 1 })
  bullish!: number;

  @ApiProperty({ example: 1 })
  bearish!: number;

  @ApiProperty({ example: 1 })
  neutral!: number;

  @ApiProperty({ example: 0.041, minimum: -1, maximum: 1 })
  mean_score!: number;
}

export class SentimentBatchDto {
  @ApiProperty({ type: [SentimentAnalysisDto], description: 'One result per text, in order' })
  results!: SentimentAnalysisDto[];

  @ApiProperty({ type: SentimentAggregateDto })
  aggregate!: SentimentAggregateDto;
}

export function toSentimentAnalysisDto(analysis: SentimentAnalysis): SentimentAnalysisDto {
  return {
    sentiment: analysis.sentiment,
    confidence: analysis.confidence,
    score: analysis.score,
    keywords: { ...analysis.keywords },
    matched: analysis.matched.map(({ term, weight }) => ({ term, weight })),
    symbols: [...analysis.symbols],
  };
}
