// sentiment-model.json, the file `npm run train:sentiment` writes and the service reads once at
// boot: its shape, where it lives, and the strict checks that stop the boot when it is wrong.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SENTIMENT_LABELS, type SentimentLabel } from '../sentiment-analyzer';

export const MODEL_FORMAT = 1;
export const MODEL_PATH = join(__dirname, 'sentiment-model.json');
export const CLASSES = SENTIMENT_LABELS.length;
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

export class SentimentModelError extends Error {
  constructor(problem: string) {
    super(`Invalid sentiment model: ${problem}`);
    this.name = 'SentimentModelError';
  }
}

/** A row of per-label weights, or the reason it is not one. */
export function weightsOf(where: () => string, value: unknown): number[] {
  if (
    !Array.isArray(value) ||
    value.length !== CLASSES ||
    !value.every((w) => typeof w === 'number' && Number.isFinite(w))
  ) {
    throw new SentimentModelError(`${where()} must be ${CLASSES} finite numbers`);
  }
  return value as number[];
}

/** The header of a model file: format, version, labels, temperature, features. */
export function checkModelFile(file: SentimentModelFile): void {
  if (file.format !== MODEL_FORMAT) throw new SentimentModelError(`format must be ${MODEL_FORMAT}`);
  if (typeof file.version !== 'string' || !VERSION.test(file.version))
    throw new SentimentModelError('version must look like tfn-logreg-<10 hex digits>');
  if (JSON.stringify(file.labels) !== JSON.stringify(SENTIMENT_LABELS))
    throw new SentimentModelError(`labels must be ${SENTIMENT_LABELS.join(', ')}`);
  if (typeof file.temperature !== 'number' || !(file.temperature > 0))
    throw new SentimentModelError('temperature must be a positive number');
  if (typeof file.features !== 'object' || file.features === null)
    throw new SentimentModelError('features must be an object');
}

/** The parsed file at `path` (not yet checked: the model's constructor checks it). */
export function readModelFile(path = MODEL_PATH): SentimentModelFile {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as SentimentModelFile;
  } catch (error) {
    throw new SentimentModelError(`${path} could not be read: ${(error as Error).message}`);
  }
}
