// The trained sentiment model (multinomial logistic regression, see docs/sentiment.md): read once
// from sentiment-model.json, checked strictly, then scored in-process with no allocation beyond
// the text's own features.
import { SENTIMENT_LABELS, type SentimentLabel } from '../sentiment-analyzer';
import {
  CLASSES,
  checkModelFile,
  MODEL_PATH,
  readModelFile,
  SentimentModelError,
  weightsOf,
  type SentimentModelFile,
} from './model-file';
import {
  CHARS_PREFIX,
  groupValue,
  LEXICON_FEATURES,
  normalisedWords,
  PHRASE_PREFIX,
  WORD_PREFIX,
  wordKeys,
  type TextFeatures,
} from './text-features';

/** Keys the model does not know, remembered by id for predictText; cleared beyond this. */
const UNKNOWN_KEYS_LIMIT = 200_000;

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
  // predictText: each key as an integer id (a row for a key the model knows, an id above the
  // rows for one it does not), each word's key ids, and a stamp per id to count distinct keys.
  private readonly unknownIds = new Map<string, number>();
  private readonly wordIds = new Map<string, Int32Array>();
  private seen = new Uint32Array(0);
  private stamp = 0;
  private readonly wordRows: number[] = [];
  private readonly charRows: number[] = [];

  constructor(file: SentimentModelFile) {
    checkModelFile(file);
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
    const logits = Float64Array.from(this.bias);
    let active = 0;
    for (const group of [features.words, features.chars]) {
      const value = groupValue(group);
      for (const key of group) {
        const row = this.index[key];
        if (row !== undefined) active = this.add(logits, active, row, value);
      }
    }
    return this.finish(logits, active, features.dense, explain);
  }

  /**
   * The same prediction as `predict(textFeatures(text, analysis))`, bit for bit, for serving:
   * keys become integer ids once per word, so a request builds no feature strings but its
   * word pairs, and counts distinct keys with a stamp per id instead of string sets.
   */
  predictText(text: string, dense: number[], explain = 3): ModelPrediction {
    if (this.unknownIds.size > UNKNOWN_KEYS_LIMIT) {
      this.unknownIds.clear();
      this.wordIds.clear();
    }
    if (++this.stamp === 0xffffffff) {
      this.seen.fill(0);
      this.stamp = 1;
    }
    const wordRows = this.wordRows;
    const charRows = this.charRows;
    wordRows.length = 0;
    charRows.length = 0;
    let words = 0;
    let chars = 0;
    for (const clause of normalisedWords(text)) {
      for (let i = 0; i < clause.length; i++) {
        const ids = this.idsOfWord(clause[i]);
        if (this.firstSight(ids[0])) {
          words += 1;
          if (ids[0] < this.keys.length) wordRows.push(ids[0]);
        }
        if (i > 0) {
          const phrase = this.idOf(`${PHRASE_PREFIX}${clause[i - 1]} ${clause[i]}`);
          if (this.firstSight(phrase)) {
            words += 1;
            if (phrase < this.keys.length) wordRows.push(phrase);
          }
        }
        for (let k = 1; k < ids.length; k++) {
          if (this.firstSight(ids[k])) {
            chars += 1;
            if (ids[k] < this.keys.length) charRows.push(ids[k]);
          }
        }
      }
    }
    const logits = Float64Array.from(this.bias);
    let active = 0;
    const wordValue = words === 0 ? 0 : 1 / Math.sqrt(words);
    for (const row of wordRows) active = this.add(logits, active, row, wordValue);
    const charValue = chars === 0 ? 0 : 1 / Math.sqrt(chars);
    for (const row of charRows) active = this.add(logits, active, row, charValue);
    return this.finish(logits, active, dense, explain);
  }

  private idOf(key: string): number {
    const row = this.index[key];
    if (row !== undefined) return row;
    let id = this.unknownIds.get(key);
    if (id === undefined) {
      id = this.keys.length + LEXICON_FEATURES.length + this.unknownIds.size;
      this.unknownIds.set(key, id);
    }
    return id;
  }

  private idsOfWord(word: string): Int32Array {
    let ids = this.wordIds.get(word);
    if (!ids) {
      ids = Int32Array.from(wordKeys(word), (key) => this.idOf(key));
      this.wordIds.set(word, ids);
    }
    return ids;
  }

  /** Whether this text has not seen the key yet (and marks it seen). */
  private firstSight(id: number): boolean {
    if (id >= this.seen.length) {
      const grown = new Uint32Array(Math.max(id + 1, this.seen.length * 2, 1_024));
      grown.set(this.seen);
      this.seen = grown;
    }
    if (this.seen[id] === this.stamp) return false;
    this.seen[id] = this.stamp;
    return true;
  }

  private add(logits: Float64Array, active: number, row: number, value: number): number {
    if (active === this.rows.length) this.grow();
    this.rows[active] = row;
    this.values[active] = value;
    for (let k = 0; k < CLASSES; k++) logits[k] += this.weights[row * CLASSES + k] * value;
    return active + 1;
  }

  private finish(
    logits: Float64Array,
    activeSparse: number,
    dense: number[],
    explain: number,
  ): ModelPrediction {
    let active = activeSparse;
    for (let j = 0; j < dense.length; j++) {
      if (dense[j] !== 0) active = this.add(logits, active, this.keys.length + j, dense[j]);
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
  return new SentimentModel(readModelFile(path));
}
