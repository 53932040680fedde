// The trained sentiment model (multinomial logistic regression, see docs/sentiment.md): read once
// from sentiment-model.json, checked strictly, then scored in-process with no allocation beyond
// the text's own features.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SENTIMENT_LABELS, type SentimentLabel } from '../sentiment-analyzer';
import {
  CHARS_PREFIX,
  groupValue,
  LEXICON_FEATURES,
  PHRASE_PREFIX,
  WORD_PREFIX,
  type TextFeatures,
} from './text-features';

export const MODEL_FORMAT = 1;
export const MODEL_PATH = join(__dirname, 'sentiment-model.json');
const CLASSES = SENTIMENT_LABELS.length;
const VERSION = /^tfn-logreg-[0-9a-f]{10}$/;

/** sentiment-model.json as written by `npm run train:sentiment`. */
export interface SentimentModelFile {
  format: number;
  version: string;
  labels: SentimentLabel[];
  /** Logits are divided by it (fitted on cross-validation predictions) so probabilities are calibrated. */
  temperature: number;
  training: Record<string, unknown>;
  bias: number[];
  lexicon: Record<string, number[]>;
  features: Record<string, number[]>;
}

export type FeatureKind = 'word' | 'phrase' | 'characters' | 'lexicon';

export interface FeatureContribution {
  kind: FeatureKind;
  /** The word, word pair, character n-gram (spaces mark word edges) or lexicon measure. */
  feature: string;
  /** Added to the chosen label's log-odds against the average label. */
  weight: number;
}

export interface ModelPrediction {
  label: SentimentLabel;
  /** Calibrated probability per label, in SENTIMENT_LABELS order. */
  probabilities: number[];
  /** The features that pushed hardest towards the chosen label, strongest first. */
  strongest: FeatureContribution[];
}

export class SentimentModelError extends Error {
  constructor(problem: string) {
    super(`Invalid sentiment model: ${problem}`);
    this.name = 'SentimentModelError';
  }
}

function weightsOf(where: () => string, value: unknown): number[] {
  if (
    !Array.isArray(value) ||
    value.length !== CLASSES ||
    !value.every((w) => typeof w === 'number' && Number.isFinite(w))
  ) {
    throw new SentimentModelError(`${where()} must be ${CLASSES} finite numbers`);
  }
  return value as number[];
}

function describeKey(key: string): { kind: FeatureKind; feature: string } {
  if (key.startsWith(WORD_PREFIX)) return { kind: 'word', feature: key.slice(WORD_PREFIX.length) };
  if (key.startsWith(PHRASE_PREFIX))
    return { kind: 'phrase', feature: key.slice(PHRASE_PREFIX.length) };
  return { kind: 'characters', feature: key.slice(CHARS_PREFIX.length) };
}

export class SentimentModel {
  readonly version: string;
  private readonly temperature: number;
  private readonly bias: Float64Array;
  // A dictionary object rather than a Map: V8 looks up the (cached, internalised) keys faster.
  private readonly index = Object.create(null) as Record<string, number | undefined>;
  private readonly keys: string[] = [];
  /** Row per feature (sparse keys first, then the lexicon features), CLASSES centred weights each. */
  private readonly weights: Float64Array;
  // Scratch space for the active features of the text being scored (scoring is synchronous).
  private rows = new Int32Array(512);
  private values = new Float64Array(512);

  constructor(file: SentimentModelFile) {
    if (file.format !== MODEL_FORMAT)
      throw new SentimentModelError(`format must be ${MODEL_FORMAT}`);
    if (typeof file.version !== 'string' || !VERSION.test(file.version))
      throw new SentimentModelError('version must look like tfn-logreg-<10 hex digits>');
    if (JSON.stringify(file.labels) !== JSON.stringify(SENTIMENT_LABELS))
      throw new SentimentModelError(`labels must be ${SENTIMENT_LABELS.join(', ')}`);
    if (typeof file.temperature !== 'number' || !(file.temperature > 0))
      throw new SentimentModelError('temperature must be a positive number');
    if (typeof file.features !== 'object' || file.features === null)
      throw new SentimentModelError('features must be an object');
    this.version = file.version;
    this.temperature = file.temperature;
    this.bias = Float64Array.from(weightsOf(() => 'bias', file.bias));

    const entries = Object.entries(file.features);
    this.weights = new Float64Array((entries.length + LEXICON_FEATURES.length) * CLASSES);
    entries.forEach(([key, row], i) => {
      if (![WORD_PREFIX, PHRASE_PREFIX, CHARS_PREFIX].some((prefix) => key.startsWith(prefix)))
        throw new SentimentModelError(`feature "${key}" has an unknown kind`);
      this.setRow(
        i,
        weightsOf(() => `features["${key}"]`, row),
      );
      this.index[key] = i;
      this.keys.push(key);
    });
    LEXICON_FEATURES.forEach((name, j) => {
      this.setRow(
        entries.length + j,
        weightsOf(() => `lexicon["${name}"]`, file.lexicon?.[name]),
      );
    });
  }

  /**
   * Stores a row minus its mean: adding the same amount to every label's logit leaves the
   * probabilities as they are, and a centred weight is directly the push towards a label.
   */
  private setRow(row: number, values: number[]): void {
    const mean = values.reduce((sum, w) => sum + w, 0) / CLASSES;
    values.forEach((w, k) => (this.weights[row * CLASSES + k] = w - mean));
  }

  get featureCount(): number {
    return this.keys.length + LEXICON_FEATURES.length;
  }

  predict(features: TextFeatures, explain = 3): ModelPrediction {
    const weights = this.weights;
    const logits = Float64Array.from(this.bias);
    let active = 0;
    const add = (row: number, value: number): void => {
      if (active === this.rows.length) this.grow();
      this.rows[active] = row;
      this.values[active] = value;
      active += 1;
      for (let k = 0; k < CLASSES; k++) logits[k] += weights[row * CLASSES + k] * value;
    };
    for (const group of [features.words, features.chars]) {
      const value = groupValue(group);
      for (const key of group) {
        const row = this.index[key];
        if (row !== undefined) add(row, value);
      }
    }
    for (let j = 0; j < features.dense.length; j++) {
      if (features.dense[j] !== 0) add(this.keys.length + j, features.dense[j]);
    }

    let best = 0;
    for (let k = 1; k < CLASSES; k++) if (logits[k] > logits[best]) best = k;
    let total = 0;
    const probabilities = Array.from(logits, (logit) => {
      const p = Math.exp((logit - logits[best]) / this.temperature);
      total += p;
      return p;
    });
    for (let k = 0; k < CLASSES; k++) probabilities[k] /= total;

    return {
      label: SENTIMENT_LABELS[best],
      probabilities,
      strongest: this.explain(active, best, explain),
    };
  }

  private grow(): void {
    const rows = new Int32Array(this.rows.length * 2);
    const values = new Float64Array(this.values.length * 2);
    rows.set(this.rows);
    values.set(this.values);
    this.rows = rows;
    this.values = values;
  }

  /**
   * The `count` active features pushing hardest towards `label` against the mean of all
   * labels (the weights are stored centred), strongest first, ties in text order. A partial
   * selection, not a sort: this runs on every request.
   */
  private explain(active: number, label: number, count: number): FeatureContribution[] {
    const topRows: number[] = [];
    const topPushes: number[] = [];
    for (let i = 0; i < active; i++) {
      const row = this.rows[i];
      const push = (this.weights[row * CLASSES + label] * this.values[i]) / this.temperature;
      const last = topRows.length - 1;
      if (push <= 0 || (last === count - 1 && push <= topPushes[last])) continue;
      let at = last + 1;
      while (at > 0 && push > topPushes[at - 1]) at -= 1;
      topRows.splice(at, 0, row);
      topPushes.splice(at, 0, push);
      if (topRows.length > count) {
        topRows.pop();
        topPushes.pop();
      }
    }
    return topRows.map((row, i) => ({
      ...(row < this.keys.length
        ? describeKey(this.keys[row])
        : { kind: 'lexicon' as const, feature: LEXICON_FEATURES[row - this.keys.length] }),
      weight: Math.round(topPushes[i] * 1_000) / 1_000,
    }));
  }
}

/** Reads and checks the shipped model; called once at boot (the file is about 2 MB). */
export function loadSentimentModel(path = MODEL_PATH): SentimentModel {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new SentimentModelError(`${path} could not be read: ${(error as Error).message}`);
  }
  return new SentimentModel(parsed as SentimentModelFile);
}
