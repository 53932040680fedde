// How src/sentiment/model/sentiment-model.json is made (`npm run train:sentiment`): features of
// every training text, λ chosen by stratified cross-validation, a temperature fitted on the
// cross-validated predictions, then one fit on all training texts, written with fixed number
// formatting and key order so the same data always gives the same bytes.
import { createHash } from 'node:crypto';
import {
  groupValue,
  LEXICON_FEATURES,
  textFeatures,
  type TextFeatures,
} from '../../src/sentiment/model/text-features';
import { MODEL_FORMAT, type SentimentModelFile } from '../../src/sentiment/model/model-file';
import {
  SENTIMENT_LABELS,
  type SentimentAnalyzer,
  type SentimentLabel,
} from '../../src/sentiment/sentiment-analyzer';
import {
  logitsOf,
  softmaxInPlace,
  sparseRows,
  trainSoftmax,
  type SoftmaxFit,
} from '../../src/sentiment/training/softmax-regression';
import { scorePredictions, seededRandom, shuffle } from '../../test/support/sentiment-evaluation';

export interface TrainingExample {
  text: string;
  label: SentimentLabel;
  source: 'public' | 'crypto';
}

export interface TrainingSettings {
  seed: number;
  folds: number;
  lambdas: number[];
  /** A sparse feature must occur in at least this many training texts. */
  minDocumentFrequency: number;
  /** The 84 crypto texts count this many times each against about 7,600 public ones. */
  cryptoWeight: number;
  /** Public texts weighted inversely to their label's frequency (Neutral is 65 % of them). */
  balanceLabels: boolean;
  maxIterations: number;
}

export const TRAINING_SETTINGS: TrainingSettings = {
  seed: 23,
  folds: 5,
  lambdas: [1e-5, 3e-5, 1e-4],
  minDocumentFrequency: 2,
  cryptoWeight: 15,
  balanceLabels: true,
  maxIterations: 400,
};

const CLASSES = SENTIMENT_LABELS.length;
const WEIGHT_DIGITS = 4;
const TEMPERATURES = Array.from({ length: 376 }, (_, i) => 0.25 + i * 0.01);

interface Prepared {
  examples: TrainingExample[];
  features: TextFeatures[];
  labels: Int32Array;
  weights: Float64Array;
}

interface Fit {
  vocabulary: string[];
  model: SoftmaxFit;
}

export interface CrossValidation {
  lambda: number;
  publicMacroF1: number;
  cryptoMacroF1: number;
  iterations: number;
}

export function prepare(
  examples: TrainingExample[],
  analyzer: SentimentAnalyzer,
  settings: TrainingSettings,
): Prepared {
  const publicTexts = examples.filter((e) => e.source === 'public');
  const balance = (label: SentimentLabel): number =>
    settings.balanceLabels
      ? publicTexts.length / (CLASSES * publicTexts.filter((e) => e.label === label).length)
      : 1;
  const labelWeight = new Map(SENTIMENT_LABELS.map((label) => [label, balance(label)]));
  return {
    examples,
    features: examples.map((e) => textFeatures(e.text, analyzer.analyze(e.text))),
    labels: Int32Array.from(examples, (e) => SENTIMENT_LABELS.indexOf(e.label)),
    weights: Float64Array.from(examples, (e) =>
      e.source === 'crypto' ? settings.cryptoWeight : labelWeight.get(e.label)!,
    ),
  };
}

function rowsOf(features: TextFeatures[], vocabulary: string[]) {
  const column = new Map(vocabulary.map((key, i) => [key, i]));
  return sparseRows(
    vocabulary.length + LEXICON_FEATURES.length,
    features.map((f) => {
      const row = new Map<number, number>();
      for (const group of [f.words, f.chars]) {
        for (const key of group) {
          const c = column.get(key);
          if (c !== undefined) row.set(c, groupValue(group));
        }
      }
      f.dense.forEach((value, j) => value !== 0 && row.set(vocabulary.length + j, value));
      return row;
    }),
  );
}

function fit(data: Prepared, members: number[], lambda: number, settings: TrainingSettings): Fit {
  const frequency = new Map<string, number>();
  for (const i of members) {
    const { words, chars } = data.features[i];
    for (const key of [...words, ...chars]) frequency.set(key, (frequency.get(key) ?? 0) + 1);
  }
  const vocabulary = [...frequency.entries()]
    .filter(([, n]) => n >= settings.minDocumentFrequency)
    .map(([key]) => key)
    .sort();
  const model = trainSoftmax(
    {
      rows: rowsOf(
        members.map((i) => data.features[i]),
        vocabulary,
      ),
      labels: Int32Array.from(members, (i) => data.labels[i]),
      weights: Float64Array.from(members, (i) => data.weights[i]),
    },
    { classes: CLASSES, lambda, maxIterations: settings.maxIterations },
  );
  return { vocabulary, model };
}

function logits(trained: Fit, features: TextFeatures[]): Float64Array[] {
  const rows = rowsOf(features, trained.vocabulary);
  return features.map((_, r) => {
    const out = new Float64Array(CLASSES);
    logitsOf(trained.model, rows, r, out);
    return out;
  });
}

const argmax = (values: Float64Array): number =>
  values.reduce((best, v, k) => (v > values[best] ? k : best), 0);

function macroF1(data: Prepared, members: number[], predicted: Map<number, Float64Array>): number {
  return scorePredictions(
    members.map((i) => ({
      label: data.examples[i].label,
      predicted: SENTIMENT_LABELS[argmax(predicted.get(i)!)],
    })),
  ).macroF1;
}

/** Stratified by source and label: every fold gets its share of each. */
function folds(data: Prepared, settings: TrainingSettings): number[][] {
  const random = seededRandom(settings.seed);
  const out: number[][] = Array.from({ length: settings.folds }, () => []);
  for (const source of ['public', 'crypto'] as const) {
    for (const label of SENTIMENT_LABELS) {
      const members = data.examples.flatMap((e, i) =>
        e.source === source && e.label === label ? [i] : [],
      );
      shuffle(members, random).forEach((i, position) => out[position % settings.folds].push(i));
    }
  }
  return out.map((fold) => fold.sort((a, b) => a - b));
}

/** Out-of-fold logits for each λ; the best λ by public macro-F1 (ties: the stronger penalty). */
export function crossValidate(
  data: Prepared,
  settings: TrainingSettings,
  log: (line: string) => void,
): { results: CrossValidation[]; best: CrossValidation; outOfFold: Map<number, Float64Array> } {
  const parts = folds(data, settings);
  const all = data.examples.map((_, i) => i);
  const publicRows = all.filter((i) => data.examples[i].source === 'public');
  const cryptoRows = all.filter((i) => data.examples[i].source === 'crypto');
  let best: { result: CrossValidation; outOfFold: Map<number, Float64Array> } | undefined;
  const results: CrossValidation[] = [];
  for (const lambda of settings.lambdas) {
    const outOfFold = new Map<number, Float64Array>();
    let iterations = 0;
    parts.forEach((held) => {
      const heldSet = new Set(held);
      const trained = fit(
        data,
        all.filter((i) => !heldSet.has(i)),
        lambda,
        settings,
      );
      iterations = Math.max(iterations, trained.model.iterations);
      logits(
        trained,
        held.map((i) => data.features[i]),
      ).forEach((l, j) => outOfFold.set(held[j], l));
    });
    const result = {
      lambda,
      publicMacroF1: macroF1(data, publicRows, outOfFold),
      cryptoMacroF1: macroF1(data, cryptoRows, outOfFold),
      iterations,
    };
    log(
      `λ ${lambda}: public macro-F1 ${result.publicMacroF1.toFixed(3)}, crypto ` +
        `${result.cryptoMacroF1.toFixed(3)} (out of fold; at most ${iterations} iterations)`,
    );
    results.push(result);
    if (!best || result.publicMacroF1 > best.result.publicMacroF1) best = { result, outOfFold };
  }
  return { results, best: best!.result, outOfFold: best!.outOfFold };
}

/** The temperature that minimises the negative log-likelihood of out-of-fold predictions. */
export function fitTemperature(data: Prepared, outOfFold: Map<number, Float64Array>): number {
  const p = new Float64Array(CLASSES);
  let bestT = 1;
  let bestLoss = Number.POSITIVE_INFINITY;
  for (const t of TEMPERATURES) {
    let loss = 0;
    for (const [i, logit] of outOfFold) {
      p.set(logit);
      softmaxInPlace(p, t);
      loss -= Math.log(Math.max(p[data.labels[i]], 1e-300));
    }
    if (loss < bestLoss) {
      bestLoss = loss;
      bestT = t;
    }
  }
  return Math.round(bestT * 100) / 100;
}

const formatWeight = (value: number): string => {
  const rounded = Math.round(value * 10 ** WEIGHT_DIGITS) / 10 ** WEIGHT_DIGITS;
  return Object.is(rounded, -0) ? '0' : String(rounded);
};
const row = (values: ArrayLike<number>): string =>
  `[${Array.from(values, formatWeight).join(',')}]`;

/** The final fit on every training text, as the bytes of sentiment-model.json. */
export function modelFile(
  data: Prepared,
  lambda: number,
  temperature: number,
  training: Record<string, unknown>,
  settings: TrainingSettings,
): { text: string; features: number; iterations: number } {
  const trained = fit(
    data,
    data.examples.map((_, i) => i),
    lambda,
    settings,
  );
  const { weights, bias } = trained.model;
  const features: string[] = [];
  trained.vocabulary.forEach((key, c) => {
    const values = weights.subarray(c * CLASSES, (c + 1) * CLASSES);
    if (Array.from(values).some((w) => formatWeight(w) !== '0')) {
      features.push(`    ${JSON.stringify(key)}: ${row(values)}`);
    }
  });
  const lexicon = LEXICON_FEATURES.map((name, j) => {
    const c = trained.vocabulary.length + j;
    return `    ${JSON.stringify(name)}: ${row(weights.subarray(c * CLASSES, (c + 1) * CLASSES))}`;
  });
  const body = [
    `  "temperature": ${temperature},`,
    `  "training": ${JSON.stringify(training)},`,
    `  "bias": ${row(bias)},`,
    `  "lexicon": {\n${lexicon.join(',\n')}\n  },`,
    `  "features": {\n${features.join(',\n')}\n  }`,
  ].join('\n');
  const version = `tfn-logreg-${createHash('sha256').update(body).digest('hex').slice(0, 10)}`;
  const header: Pick<SentimentModelFile, 'format' | 'version' | 'labels'> = {
    format: MODEL_FORMAT,
    version,
    labels: [...SENTIMENT_LABELS],
  };
  const text =
    `{\n  "format": ${header.format},\n  "version": ${JSON.stringify(header.version)},\n` +
    `  "labels": ${JSON.stringify(header.labels)},\n${body}\n}\n`;
  return { text, features: features.length, iterations: trained.model.iterations };
}
