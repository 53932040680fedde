// Guards the analyzer's measured quality: a lexicon edit that costs accuracy fails here, not in
// production. The thresholds are the targets, below the figures in the README.
import { loadCryptoLexicon } from '../src/sentiment/lexicon/lexicon';
import { SENTIMENT_LABELS, SentimentAnalyzer } from '../src/sentiment/sentiment-analyzer';
import {
  evaluate,
  loadEvaluationSet,
  plainLibraryClassifier,
  type EvaluationPart,
} from './support/sentiment-evaluation';

describe('sentiment evaluation set', () => {
  const analyzer = new SentimentAnalyzer(loadCryptoLexicon());
  const dev = loadEvaluationSet('dev');
  const test = loadEvaluationSet('test');

  it('has at least 300 distinct texts, balanced across the labels in both parts', () => {
    const texts = [...dev, ...test].map((row) => row.text);

    expect(texts.length).toBeGreaterThanOrEqual(300);
    expect(new Set(texts).size).toBe(texts.length);
    for (const rows of [dev, test]) {
      const counts = SENTIMENT_LABELS.map((label) => rows.filter((r) => r.label === label).length);
      expect(new Set(counts).size).toBe(1);
    }
  });

  it('scores a classifier by accuracy, macro-F1 and confusion matrix', () => {
    const rows = [
      { label: 'Bullish' as const, text: 'a' },
      { label: 'Bearish' as const, text: 'b' },
      { label: 'Neutral' as const, text: 'c' },
      { label: 'Neutral' as const, text: 'd' },
    ];

    const result = evaluate(() => 'Neutral', rows);

    // Neutral: precision 2/4, recall 1, F1 2/3; the other labels 0.
    expect(result.accuracy).toBe(0.5);
    expect(result.macroF1).toBeCloseTo(2 / 9, 10);
    expect(result.confusion.Bullish).toEqual({ Bullish: 0, Bearish: 0, Neutral: 1 });
    expect(result.confusion.Neutral.Neutral).toBe(2);
  });

  it.each<EvaluationPart>(['dev', 'test'])(
    'shipped analyzer reaches macro-F1 0.75 and beats the plain library by 0.10 (%s part)',
    (part) => {
      const rows = part === 'dev' ? dev : test;

      const shipped = evaluate((text) => analyzer.analyze(text).sentiment, rows);
      const plain = evaluate(plainLibraryClassifier, rows);

      expect(shipped.macroF1).toBeGreaterThanOrEqual(0.75);
      expect(shipped.macroF1 - plain.macroF1).toBeGreaterThanOrEqual(0.1);
    },
  );
});
