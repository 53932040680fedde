import { ApiProperty } from '@nestjs/swagger';
import type { FeatureKind } from '../model/sentiment-model';
import { SENTIMENT_LABELS, type SentimentLabel } from '../sentiment-analyzer';
import type { SentimentAnalysis } from '../sentiment-classifier';

const FEATURE_KINDS: FeatureKind[] = ['word', 'phrase', 'characters', 'lexicon'];

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

export class ModelFeatureDto {
  @ApiProperty({
    enum: FEATURE_KINDS,
    enumName: 'SentimentFeatureKind',
    example: 'phrase',
    description:
      'word, phrase (two adjacent words), characters (a 3–5 character piece of a word, ' +
      'spaces marking its edges) or lexicon (a measure of the matched lexicon terms)',
  })
  kind!: FeatureKind;

  @ApiProperty({
    example: 'target raised',
    description: 'As the model reads it: lower case, digits as 0',
  })
  feature!: string;

  @ApiProperty({
    example: 0.84,
    description: "Added to the chosen label's log-odds against the average label",
  })
  weight!: number;
}

export class SentimentProbabilitiesDto {
  @ApiProperty({ example: 0.81, minimum: 0, maximum: 1 })
  Bullish!: number;

  @ApiProperty({ example: 0.04, minimum: 0, maximum: 1 })
  Bearish!: number;

  @ApiProperty({ example: 0.15, minimum: 0, maximum: 1 })
  Neutral!: number;
}

export class SentimentAnalysisDto {
  @ApiProperty({
    enum: SENTIMENT_LABELS,
    enumName: 'SentimentLabel',
    example: 'Bullish',
    description: "The trained model's most probable label",
  })
  sentiment!: SentimentLabel;

  @ApiProperty({
    example: 0.81,
    minimum: 0,
    maximum: 1,
    description:
      "The model's calibrated probability of `sentiment`: of texts answered with confidence " +
      'about 0.8, about 80 % carry that label (see docs/sentiment.md for the measured error)',
  })
  confidence!: number;

  @ApiProperty({
    example: 0.77,
    minimum: -1,
    maximum: 1,
    description: 'P(Bullish) − P(Bearish): bearish -1 … 1 bullish',
  })
  score!: number;

  @ApiProperty({
    type: SentimentProbabilitiesDto,
    description: 'Calibrated probability of each label',
  })
  probabilities!: SentimentProbabilitiesDto;

  @ApiProperty({ type: SentimentKeywordsDto })
  keywords!: SentimentKeywordsDto;

  @ApiProperty({
    type: [MatchedTermDto],
    description: 'Crypto and general lexicon terms found, in text order (one input of the model)',
    example: [
      { term: 'surging', weight: 2.5 },
      { term: 'bullish', weight: 3 },
    ],
  })
  matched!: MatchedTermDto[];

  @ApiProperty({
    example: 'tfn-logreg-3f9c2a7b1d',
    description: 'The model that answered (changes whenever it is retrained)',
  })
  model!: string;

  @ApiProperty({
    type: [ModelFeatureDto],
    description:
      'Up to 5 features of the text that pushed hardest towards `sentiment`, strongest first',
  })
  features!: ModelFeatureDto[];

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
    probabilities: { ...analysis.probabilities },
    keywords: { ...analysis.keywords },
    matched: analysis.matched.map(({ term, weight }) => ({ term, weight })),
    symbols: [...analysis.symbols],
    model: analysis.model,
    features: analysis.features.map(({ kind, feature, weight }) => ({ kind, feature, weight })),
  };
}
