// Market sentiment of a text: the trained model decides the label and its probability; the
// lexicon analyzer supplies part of the model's evidence, the terms a reader can check and the
// assets mentioned.
import { loadCryptoLexicon } from './lexicon/lexicon';
import {
  loadSentimentModel,
  type FeatureContribution,
  type SentimentModel,
} from './model/sentiment-model';
import { lexiconFeatures } from './model/text-features';
import { SentimentAnalyzer, type MatchedTerm, type SentimentLabel } from './sentiment-analyzer';

/** Model features reported per text: enough to see why, few enough to read. */
const EXPLAINED_FEATURES = 5;

export interface SentimentAnalysis {
  sentiment: SentimentLabel;
  /** The model's calibrated probability of `sentiment`. */
  confidence: number;
  /** P(Bullish) − P(Bearish). */
  score: number;
  probabilities: Record<SentimentLabel, number>;
  keywords: { bullish: number; bearish: number; total: number };
  matched: MatchedTerm[];
  symbols: string[];
  model: string;
  features: FeatureContribution[];
}

const round = (value: number): number => Math.round(value * 1_000) / 1_000;

export class SentimentClassifier {
  constructor(
    private readonly analyzer: SentimentAnalyzer,
    private readonly model: SentimentModel,
  ) {}

  /** The model's version, as answered in every analysis. */
  get version(): string {
    return this.model.version;
  }

  analyze(text: string): SentimentAnalysis {
    const lexicon = this.analyzer.analyze(text);
    const prediction = this.model.predictText(text, lexiconFeatures(lexicon), EXPLAINED_FEATURES);
    const [bullish, bearish, neutral] = prediction.probabilities;
    return {
      sentiment: prediction.label,
      confidence: round(Math.max(bullish, bearish, neutral)),
      score: round(bullish - bearish),
      probabilities: { Bullish: round(bullish), Bearish: round(bearish), Neutral: round(neutral) },
      keywords: lexicon.keywords,
      matched: lexicon.matched,
      symbols: lexicon.symbols,
      model: this.model.version,
      features: prediction.strongest,
    };
  }
}

/** The shipped lexicon and model; reads the model file, so call it once (at boot). */
export function loadSentimentClassifier(): SentimentClassifier {
  return new SentimentClassifier(new SentimentAnalyzer(loadCryptoLexicon()), loadSentimentModel());
}
