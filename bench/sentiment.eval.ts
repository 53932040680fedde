// `npm run eval:sentiment`: the shipped model against the lexicon analyzer and the plain
// `sentiment` package, on the two parts nothing was trained or tuned on (the public held-out
// 20 % and the crypto test part), plus the crypto dev part the model was trained on. Prints
// Markdown. `-- --errors` lists the crypto dev texts the model gets wrong (never a held-out
// text, so the held-out parts stay out of tuning).
import { loadCryptoLexicon } from '../src/sentiment/lexicon/lexicon';
import { SENTIMENT_LABELS, SentimentAnalyzer } from '../src/sentiment/sentiment-analyzer';
import { loadSentimentClassifier } from '../src/sentiment/sentiment-classifier';
import {
  evaluate,
  expectedCalibrationError,
  loadEvaluationSet,
  loadPublicSet,
  plainLibraryClassifier,
  scorePredictions,
  type Evaluation,
  type LabelledText,
} from '../test/support/sentiment-evaluation';

const model = loadSentimentClassifier();
const lexicon = new SentimentAnalyzer(loadCryptoLexicon());

const parts: { name: string; rows: LabelledText[] }[] = [
  { name: 'public held-out', rows: loadPublicSet('held-out') },
  { name: 'crypto test', rows: loadEvaluationSet('test') },
  { name: 'crypto dev (trained on)', rows: loadEvaluationSet('dev') },
];

const f = (value: number): string => value.toFixed(3);
const perClass = (e: Evaluation): string =>
  SENTIMENT_LABELS.map((label) => f(e.f1[label])).join(' / ');

console.log(`## Sentiment evaluation (model ${model.version})\n`);
console.log(
  'Per-class F1 is Bullish / Bearish / Neutral; ECE: expected calibration error, 10 bins.\n',
);
console.log(
  '| part | texts | model macro-F1 | model F1 | model accuracy | model ECE | lexicon macro-F1 | lexicon F1 | lexicon accuracy | plain macro-F1 | plain F1 | plain accuracy |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
const confusions: { name: string; evaluation: Evaluation }[] = [];
for (const { name, rows } of parts) {
  const analyses = rows.map((row) => model.analyze(row.text));
  const ours = scorePredictions(
    rows.map((row, i) => ({ label: row.label, predicted: analyses[i].sentiment })),
  );
  const ece = expectedCalibrationError(
    analyses.map((a, i) => ({ confidence: a.confidence, correct: a.sentiment === rows[i].label })),
  );
  const lex = evaluate((text) => lexicon.analyze(text).sentiment, rows);
  const plain = evaluate(plainLibraryClassifier, rows);
  console.log(
    `| ${name} | ${rows.length} | **${f(ours.macroF1)}** | ${perClass(ours)} | ${f(ours.accuracy)} | ${f(ece)} | ` +
      `${f(lex.macroF1)} | ${perClass(lex)} | ${f(lex.accuracy)} | ${f(plain.macroF1)} | ${perClass(plain)} | ${f(plain.accuracy)} |`,
  );
  confusions.push({ name, evaluation: ours });
}

for (const { name, evaluation } of confusions) {
  console.log(`\nModel confusion (${name}; rows expected, columns predicted)\n`);
  console.log('```');
  console.log(`${'expected'.padEnd(8)} ${SENTIMENT_LABELS.map((l) => l.padStart(8)).join('')}`);
  for (const expected of SENTIMENT_LABELS) {
    const counts = SENTIMENT_LABELS.map((p) =>
      String(evaluation.confusion[expected][p]).padStart(8),
    );
    console.log(`${expected.padEnd(8)} ${counts.join('')}`);
  }
  console.log('```');
}

if (process.argv.includes('--errors')) {
  console.log('\nCrypto dev texts the model gets wrong:\n');
  for (const row of loadEvaluationSet('dev')) {
    const analysis = model.analyze(row.text);
    if (analysis.sentiment !== row.label) {
      const why = analysis.features.map((x) => `${x.kind} "${x.feature}" ${x.weight}`).join(', ');
      console.log(
        `- expected ${row.label}, got ${analysis.sentiment} (${analysis.confidence}): ${row.text}\n    [${why}]`,
      );
    }
  }
}
