// The labelled evaluation set (test/fixtures/sentiment) and the scores it is judged by. Shared by
// `npm run eval:sentiment` and the accuracy regression test.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Sentiment from 'sentiment';
import { SENTIMENT_LABELS, type SentimentLabel } from '../../src/sentiment/sentiment-analyzer';

export type EvaluationPart = 'dev' | 'test';

export interface LabelledText {
  label: SentimentLabel;
  text: string;
}

export type Classifier = (text: string) => SentimentLabel;

export interface Evaluation {
  count: number;
  accuracy: number;
  macroF1: number;
  /** confusion[expected][predicted] */
  confusion: Record<SentimentLabel, Record<SentimentLabel, number>>;
}

const FIXTURES = join(__dirname, '..', 'fixtures', 'sentiment');

export function loadEvaluationSet(part: EvaluationPart): LabelledText[] {
  return readFileSync(join(FIXTURES, `${part}.jsonl`), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, index) => {
      const row = JSON.parse(line) as Partial<LabelledText>;
      if (typeof row.text !== 'string' || !SENTIMENT_LABELS.includes(row.label!)) {
        throw new Error(`${part}.jsonl line ${index + 1}: expected {label, text}`);
      }
      return row as LabelledText;
    });
}

export function evaluate(classify: Classifier, rows: LabelledText[]): Evaluation {
  const confusion = Object.fromEntries(
    SENTIMENT_LABELS.map((expected) => [
      expected,
      Object.fromEntries(SENTIMENT_LABELS.map((predicted) => [predicted, 0])),
    ]),
  ) as Evaluation['confusion'];
  for (const row of rows) confusion[row.label][classify(row.text)] += 1;

  let correct = 0;
  let f1Sum = 0;
  for (const label of SENTIMENT_LABELS) {
    const truePositives = confusion[label][label];
    const predicted = SENTIMENT_LABELS.reduce((n, other) => n + confusion[other][label], 0);
    const actual = SENTIMENT_LABELS.reduce((n, other) => n + confusion[label][other], 0);
    const precision = predicted === 0 ? 0 : truePositives / predicted;
    const recall = actual === 0 ? 0 : truePositives / actual;
    f1Sum += precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    correct += truePositives;
  }
  return {
    count: rows.length,
    accuracy: rows.length === 0 ? 0 : correct / rows.length,
    macroF1: f1Sum / SENTIMENT_LABELS.length,
    confusion,
  };
}

const plainLibrary = new Sentiment();

/** The `sentiment` package as published (AFINN-165 + emoji), labelled by the sign of its score. */
export const plainLibraryClassifier: Classifier = (text) => {
  const { score } = plainLibrary.analyze(text);
  return score > 0 ? 'Bullish' : score < 0 ? 'Bearish' : 'Neutral';
};
