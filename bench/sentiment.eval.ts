// `npm run eval:sentiment`: accuracy, macro-F1 and confusion matrices of the shipped analyzer and
// of the plain `sentiment` package on the labelled evaluation set, dev and held-out test parts
// reported separately. `-- --errors` lists the dev texts the shipped analyzer gets wrong (the
// test part is never listed text by text, so it stays out of tuning).
import { loadCryptoLexicon } from '../src/sentiment/lexicon/lexicon';
import { SENTIMENT_LABELS, SentimentAnalyzer } from '../src/sentiment/sentiment-analyzer';
import {
  evaluate,
  loadEvaluationSet,
  plainLibraryClassifier,
  type Classifier,
  type Evaluation,
  type EvaluationPart,
  type LabelledText,
} from '../test/support/sentiment-evaluation';

const analyzer = new SentimentAnalyzer(loadCryptoLexicon());
const shipped: Classifier = (text) => analyzer.analyze(text).sentiment;

const parts: Record<EvaluationPart | 'all', LabelledText[]> = {
  dev: loadEvaluationSet('dev'),
  test: loadEvaluationSet('test'),
  all: [],
};
parts.all = [...parts.dev, ...parts.test];

const pct = (value: number): string => value.toFixed(3);

function confusionRows(evaluation: Evaluation): string[] {
  return SENTIMENT_LABELS.map(
    (expected) =>
      `${expected.padEnd(8)} ${SENTIMENT_LABELS.map((p) =>
        String(evaluation.confusion[expected][p]).padStart(8),
      ).join('')}`,
  );
}

console.log('## Sentiment evaluation\n');
console.log(
  '| part | texts | shipped accuracy | shipped macro-F1 | plain accuracy | plain macro-F1 | Δ macro-F1 |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
const results = Object.entries(parts).map(([part, rows]) => {
  const ours = evaluate(shipped, rows);
  const plain = evaluate(plainLibraryClassifier, rows);
  console.log(
    `| ${part} | ${rows.length} | ${pct(ours.accuracy)} | ${pct(ours.macroF1)} | ${pct(plain.accuracy)} | ${pct(plain.macroF1)} | ${(ours.macroF1 - plain.macroF1 >= 0 ? '+' : '') + pct(ours.macroF1 - plain.macroF1)} |`,
  );
  return { part, ours, plain };
});

for (const { part, ours, plain } of results) {
  const header = `${'expected'.padEnd(8)} ${SENTIMENT_LABELS.map((l) => l.padStart(8)).join('')}`;
  const left = [header, ...confusionRows(ours)];
  const right = [header, ...confusionRows(plain)];
  console.log(`\nConfusion (${part}; rows expected, columns predicted)\n`);
  console.log('```');
  console.log(`${'shipped analyzer'.padEnd(left[0].length)}    plain sentiment package`);
  left.forEach((line, i) => console.log(`${line}    ${right[i]}`));
  console.log('```');
}

if (process.argv.includes('--errors')) {
  console.log('\nDev texts the shipped analyzer gets wrong:\n');
  for (const row of parts.dev) {
    const analysis = analyzer.analyze(row.text);
    if (analysis.sentiment !== row.label) {
      const terms = analysis.matched.map((m) => `${m.term} ${m.weight}`).join(', ');
      console.log(
        `- expected ${row.label}, got ${analysis.sentiment} (${analysis.score}): ${row.text}\n    [${terms}]`,
      );
    }
  }
}
