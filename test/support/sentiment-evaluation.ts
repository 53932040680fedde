// The labelled data (the project's crypto texts in test/fixtures/sentiment, the public Twitter
// Financial News texts in data/sentiment) and the scores they are judged by. Shared by
// `npm run train:sentiment`, `npm run eval:sentiment` and the accuracy regression test.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import Sentiment from 'sentiment';
import { SENTIMENT_LABELS, type SentimentLabel } from '../../src/sentiment/sentiment-analyzer';

export type EvaluationPart = 'dev' | 'test';
export type PublicPart = 'train' | 'held-out';

export interface LabelledText {
  label: SentimentLabel;
  text: string;
}

export type Classifier = (text: string) => SentimentLabel;

export interface Evaluation {
  count: number;
  accuracy: number;
  macroF1: number;
  f1: Record<SentimentLabel, number>;
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
  return scorePredictions(rows.map((row) => ({ label: row.label, predicted: classify(row.text) })));
}

export function scorePredictions(
  rows: ReadonlyArray<{ label: SentimentLabel; predicted: SentimentLabel }>,
): Evaluation {
  const confusion = Object.fromEntries(
    SENTIMENT_LABELS.map((expected) => [
      expected,
      Object.fromEntries(SENTIMENT_LABELS.map((predicted) => [predicted, 0])),
    ]),
  ) as Evaluation['confusion'];
  for (const row of rows) confusion[row.label][row.predicted] += 1;

  let correct = 0;
  let f1Sum = 0;
  const f1 = {} as Record<SentimentLabel, number>;
  for (const label of SENTIMENT_LABELS) {
    const truePositives = confusion[label][label];
    const predicted = SENTIMENT_LABELS.reduce((n, other) => n + confusion[other][label], 0);
    const actual = SENTIMENT_LABELS.reduce((n, other) => n + confusion[label][other], 0);
    const precision = predicted === 0 ? 0 : truePositives / predicted;
    const recall = actual === 0 ? 0 : truePositives / actual;
    f1[label] = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    f1Sum += f1[label];
    correct += truePositives;
  }
  return {
    count: rows.length,
    accuracy: rows.length === 0 ? 0 : correct / rows.length,
    macroF1: f1Sum / SENTIMENT_LABELS.length,
    f1,
    confusion,
  };
}

/**
 * Expected calibration error: texts binned by the confidence of the chosen label (10 equal
 * bins), the gap between mean confidence and accuracy in each bin, weighted by its share.
 */
export function expectedCalibrationError(
  rows: ReadonlyArray<{ confidence: number; correct: boolean }>,
  bins = 10,
): number {
  const count = new Array<number>(bins).fill(0);
  const confidence = new Array<number>(bins).fill(0);
  const correct = new Array<number>(bins).fill(0);
  for (const row of rows) {
    const bin = Math.min(bins - 1, Math.floor(row.confidence * bins));
    count[bin] += 1;
    confidence[bin] += row.confidence;
    correct[bin] += row.correct ? 1 : 0;
  }
  let error = 0;
  for (let bin = 0; bin < bins; bin++) {
    if (count[bin] > 0) error += Math.abs(confidence[bin] - correct[bin]) / rows.length;
  }
  return error;
}

const plainLibrary = new Sentiment();

/** The `sentiment` package as published (AFINN-165 + emoji), labelled by the sign of its score. */
export const plainLibraryClassifier: Classifier = (text) => {
  const { score } = plainLibrary.analyze(text);
  return score > 0 ? 'Bullish' : score < 0 ? 'Bearish' : 'Neutral';
};

/** The repository's root (this file runs from test/support and, compiled, from dist/test/support). */
export function repositoryRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

export const PUBLIC_DATA_FILE = join('data', 'sentiment', 'twitter-financial-news-train.csv');
/** The data set's label numbers. */
const PUBLIC_LABELS: Record<string, SentimentLabel> = { 0: 'Bearish', 1: 'Bullish', 2: 'Neutral' };
const HELD_OUT_SHARE = 0.2;
const SPLIT_SEED = 23;

/** Small, seeded, fast pseudo-random numbers in [0, 1) (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

// The same tweet posted twice with different links must not land on both sides of the split.
const sameTweet = (text: string): string =>
  text
    .replace(/https?:\/\/\S+/g, '')
    .trim()
    .toLowerCase();

/**
 * The public texts, split once and for all: a fixed, seeded 20 % of each label ("held-out")
 * that nothing is trained or tuned on, the rest ("train") for training and cross-validation.
 */
export function loadPublicSet(part: PublicPart): LabelledText[] {
  const records = parse<{ text?: string; label?: string }>(
    readFileSync(join(repositoryRoot(), PUBLIC_DATA_FILE)),
    { columns: true, skip_empty_lines: true },
  );
  const groups = new Map<string, LabelledText[]>();
  records.forEach((record, index) => {
    const label = PUBLIC_LABELS[record.label ?? ''];
    if (typeof record.text !== 'string' || label === undefined) {
      throw new Error(`${PUBLIC_DATA_FILE} record ${index + 1}: expected text and label 0, 1 or 2`);
    }
    const key = sameTweet(record.text);
    groups.set(key, [...(groups.get(key) ?? []), { label, text: record.text }]);
  });
  const random = seededRandom(SPLIT_SEED);
  const heldOut = new Set<string>();
  for (const label of SENTIMENT_LABELS) {
    const keys = [...groups.keys()].filter((key) => groups.get(key)![0].label === label);
    shuffle(keys, random)
      .slice(0, Math.round(keys.length * HELD_OUT_SHARE))
      .forEach((key) => heldOut.add(key));
  }
  return [...groups.entries()]
    .filter(([key]) => heldOut.has(key) === (part === 'held-out'))
    .flatMap(([, rows]) => rows);
}
