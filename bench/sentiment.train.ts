// `npm run train:sentiment`: trains the sentiment model from the public train part
// (data/sentiment, minus its fixed held-out 20 %) and the crypto dev part (never the crypto test
// part) and writes src/sentiment/model/sentiment-model.json. `-- --check` trains the same way and
// exits 1 unless the result is byte for byte the shipped file. Takes one to two minutes.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadCryptoLexicon } from '../src/sentiment/lexicon/lexicon';
import { SentimentAnalyzer } from '../src/sentiment/sentiment-analyzer';
import {
  loadEvaluationSet,
  loadPublicSet,
  PUBLIC_DATA_FILE,
  repositoryRoot,
} from '../test/support/sentiment-evaluation';
import {
  crossValidate,
  fitTemperature,
  modelFile,
  prepare,
  TRAINING_SETTINGS,
  type TrainingExample,
} from './support/sentiment-training';

const root = repositoryRoot();
const target = join(root, 'src', 'sentiment', 'model', 'sentiment-model.json');
const check = process.argv.includes('--check');
const started = Date.now();
const log = (line: string): void =>
  console.log(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${line}`);
const sha256 = (path: string): string =>
  createHash('sha256')
    .update(readFileSync(join(root, path)))
    .digest('hex');

const settings = TRAINING_SETTINGS;
const examples: TrainingExample[] = [
  ...loadPublicSet('train').map((row) => ({ ...row, source: 'public' as const })),
  ...loadEvaluationSet('dev').map((row) => ({ ...row, source: 'crypto' as const })),
];
const analyzer = new SentimentAnalyzer(loadCryptoLexicon());
const data = prepare(examples, analyzer, settings);
log(`${examples.length} training texts; cross-validating ${settings.lambdas.length} values of λ`);

const { results, best, outOfFold } = crossValidate(data, settings, log);
const temperature = fitTemperature(data, outOfFold);
log(`chose λ ${best.lambda}, temperature ${temperature}; fitting on all training texts`);

const cryptoDev = join('test', 'fixtures', 'sentiment', 'dev.jsonl');
const training = {
  data: [
    {
      file: PUBLIC_DATA_FILE,
      sha256: sha256(PUBLIC_DATA_FILE),
      part: 'train (held-out 20 % excluded)',
    },
    { file: cryptoDev, sha256: sha256(cryptoDev), weight: settings.cryptoWeight },
  ],
  texts: examples.length,
  seed: settings.seed,
  minDocumentFrequency: settings.minDocumentFrequency,
  balanceLabels: settings.balanceLabels,
  lambda: best.lambda,
  crossValidation: results.map((r) => ({
    lambda: r.lambda,
    publicMacroF1: Number(r.publicMacroF1.toFixed(4)),
    cryptoMacroF1: Number(r.cryptoMacroF1.toFixed(4)),
  })),
};
const model = modelFile(data, best.lambda, temperature, training, settings);
log(
  `${model.features} features kept, ${model.iterations} iterations, ` +
    `${(Buffer.byteLength(model.text) / 1e6).toFixed(2)} MB`,
);

if (check) {
  const shipped = readFileSync(target, 'utf8');
  if (shipped === model.text) {
    log(`${relative(root, target)} is reproduced byte for byte`);
  } else {
    log(`${relative(root, target)} differs from what the data gives: run npm run train:sentiment`);
    process.exitCode = 1;
  }
} else {
  writeFileSync(target, model.text);
  log(`wrote ${relative(root, target)}`);
}
