// `npm run bench:sentiment [-- --runs 3 --duration 5]`: the model file's size and load time and
// the classifier's throughput in-process, then
// POST /api/v1/sentiment/analyze on the Nest application against a bare Fastify route doing the
// same analysis, both under autocannon on loopback. Prints Markdown; exits 1 when a target is
// missed or any request failed.
import autocannon from 'autocannon';
import { fork, type ChildProcess } from 'node:child_process';
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { MODEL_PATH } from '../src/sentiment/model/model-file';
import { loadSentimentModel } from '../src/sentiment/model/sentiment-model';
import { loadSentimentClassifier } from '../src/sentiment/sentiment-classifier';
import { loadEvaluationSet } from '../test/support/sentiment-evaluation';
import type { BenchTarget } from './sentiment-target';

const TEXTS_PER_SECOND_TARGET = 20_000;
const HTTP_RATIO_TARGET = 0.5;
const CONNECTIONS = 50;
const WARMUP_SECONDS = 2;
const IN_PROCESS_RUNS = 5;
const LOAD_RUNS = 5;
const MODEL_SIZE_TARGET = 5_000_000;
const HARD_DEADLINE_MS = 10 * 60_000;

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`--${name} must be a positive integer`);
  return value;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const int = (value: number): string => Math.round(value).toLocaleString('en-US');
const range = (values: number[]): string =>
  `${int(Math.min(...values))}–${int(Math.max(...values))}`;
const mark = (ok: boolean): string => (ok ? '✓' : '✗ missed');

/** Milliseconds to read, parse and check the model file, as at boot. */
function measureLoad(): number[] {
  return Array.from({ length: LOAD_RUNS }, () => {
    const start = process.hrtime.bigint();
    loadSentimentModel();
    return Number(process.hrtime.bigint() - start) / 1e6;
  });
}

function measureInProcess(texts: string[]): number[] {
  const analyzer = loadSentimentClassifier();
  const runs: number[] = [];
  for (let run = 0; run <= IN_PROCESS_RUNS; run++) {
    let analyzed = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0n;
    while (elapsed < 1_000_000_000n) {
      for (const text of texts) analyzer.analyze(text);
      analyzed += texts.length;
      elapsed = process.hrtime.bigint() - start;
    }
    // Run 0 is the JIT warm-up.
    if (run > 0) runs.push(analyzed / (Number(elapsed) / 1e9));
  }
  return runs;
}

interface Target {
  name: BenchTarget;
  url: string;
  process: ChildProcess;
}

function startTarget(name: BenchTarget): Promise<Target> {
  const child = fork(join(__dirname, 'sentiment-target.js'), [name], {
    // The Nest target logs every request (production settings); the cost counts, the lines do not.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (message: { url: string }) =>
      resolve({ name, url: message.url, process: child }),
    );
    child.once('exit', (code) => reject(new Error(`${name} target exited with ${code}`)));
  });
}

function stopTarget(target: Target): Promise<void> {
  return new Promise((resolve) => {
    target.process.once('exit', () => resolve());
    target.process.send('stop');
  });
}

interface LoadResult {
  requestsPerSecond: number;
  p99: number;
  failed: number;
}

async function load(target: Target, seconds: number, bodies: string[]): Promise<LoadResult> {
  const result = await autocannon({
    url: target.url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: bodies.map((body) => ({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    })),
  });
  return {
    requestsPerSecond: result.requests.average,
    p99: result.latency.p99,
    failed: result.non2xx + result.errors + result.timeouts,
  };
}

async function main(): Promise<void> {
  const runs = option('runs', 3);
  const duration = option('duration', 5);
  const texts = [...loadEvaluationSet('dev'), ...loadEvaluationSet('test')].map((row) => row.text);
  const meanLength = texts.reduce((sum, text) => sum + text.length, 0) / texts.length;
  let ok = true;

  console.log(
    `## Sentiment benchmark\n\nnode ${process.version}, ${availableParallelism()} CPUs, ` +
      `${new Date().toISOString()}\n`,
  );

  const loads = measureLoad();
  const size = statSync(MODEL_PATH).size;
  const sizeOk = size < MODEL_SIZE_TARGET;
  ok &&= sizeOk;
  console.log(
    `Model ${loadSentimentClassifier().version}: ${(size / 1e6).toFixed(2)} MB ` +
      `(target < ${MODEL_SIZE_TARGET / 1e6} MB ${mark(sizeOk)}), loaded in ` +
      `${median(loads).toFixed(0)} ms (median of ${LOAD_RUNS}, ${Math.min(...loads).toFixed(0)}–` +
      `${Math.max(...loads).toFixed(0)} ms).\n`,
  );

  const inProcess = measureInProcess(texts);
  const inProcessOk = median(inProcess) >= TEXTS_PER_SECOND_TARGET;
  ok &&= inProcessOk;
  console.log(
    `In-process classifier (lexicon analyzer + model): the ${texts.length} crypto evaluation texts (mean ${Math.round(meanLength)} ` +
      `characters), ${IN_PROCESS_RUNS} runs of 1 s after a warm-up run.\n`,
  );
  console.log('| measure | median | min–max | target |');
  console.log('| --- | ---: | ---: | --- |');
  console.log(
    `| texts/s | ${int(median(inProcess))} | ${range(inProcess)} | ≥ ${int(TEXTS_PER_SECOND_TARGET)} ${mark(inProcessOk)} |\n`,
  );

  // Both targets run side by side and are loaded in turn, so they share the machine's state.
  const bodies = texts.slice(0, 50).map((text) => JSON.stringify({ text }));
  const targets = [
    await startTarget('bare'),
    await startTarget('bare-nest'),
    await startTarget('nest'),
  ];
  const results = new Map<BenchTarget, LoadResult[]>(targets.map((t) => [t.name, []]));
  try {
    for (const target of targets) await load(target, WARMUP_SECONDS, bodies);
    for (let run = 0; run < runs; run++) {
      for (const target of targets)
        results.get(target.name)!.push(await load(target, duration, bodies));
    }
  } finally {
    await Promise.all(targets.map(stopTarget));
  }

  const bareMedian = median(results.get('bare')!.map((r) => r.requestsPerSecond));
  console.log(
    `HTTP POST /api/v1/sentiment/analyze: autocannon, ${CONNECTIONS} connections, 127.0.0.1, ` +
      `${runs} runs of ${duration} s per server (alternating, after ${WARMUP_SECONDS} s warm-up), ` +
      `50 different texts.\n`,
  );
  console.log('| server | req/s median | min–max | p99 ms (median) | failed | ratio to bare |');
  console.log('| --- | ---: | ---: | ---: | ---: | --- |');
  for (const target of targets) {
    const rows = results.get(target.name)!;
    const rps = rows.map((r) => r.requestsPerSecond);
    const failed = rows.reduce((sum, r) => sum + r.failed, 0);
    const ratio = median(rps) / bareMedian;
    const ratioOk = target.name !== 'nest' || ratio >= HTTP_RATIO_TARGET;
    ok &&= ratioOk && failed === 0;
    const label = {
      bare: 'bare Fastify, same analyzer',
      'bare-nest': 'bare Nest (Fastify adapter, no guard/pipe/hook), same analyzer',
      nest: 'Nest application',
    }[target.name];
    const ratioText =
      target.name === 'nest'
        ? `${ratio.toFixed(2)} (target ≥ ${HTTP_RATIO_TARGET} ${mark(ratioOk)})`
        : ratio.toFixed(2);
    console.log(
      `| ${label} | ${int(median(rps))} | ${range(rps)} | ${median(rows.map((r) => r.p99))} | ${failed} | ${ratioText} |`,
    );
  }
  process.exitCode = ok ? 0 : 1;
}

// Bounded whatever happens: a hung target must not keep the benchmark alive.
setTimeout(() => {
  console.error('benchmark exceeded its deadline');
  process.exit(1);
}, HARD_DEADLINE_MS).unref();

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
