// Multinomial (softmax) logistic regression with an L2 penalty on sparse rows, fitted by L-BFGS.
// Parameters: one weight per (column, class), row-major by column, then one unpenalised bias
// per class. The loss is the weighted mean negative log-likelihood plus λ/2·‖W‖².
import { minimizeLbfgs, type Objective } from './lbfgs';

/** Compressed sparse rows: row r has columns index[start[r] … start[r+1]). */
export interface SparseRows {
  columns: number;
  start: Int32Array;
  index: Int32Array;
  value: Float64Array;
}

export interface TrainingSet {
  rows: SparseRows;
  labels: Int32Array;
  /** Per-row weight (1 unless a row should count more). */
  weights: Float64Array;
}

export interface SoftmaxModel {
  classes: number;
  /** columns × classes */
  weights: Float64Array;
  bias: Float64Array;
}

export interface SoftmaxFit extends SoftmaxModel {
  loss: number;
  iterations: number;
  converged: boolean;
}

export interface SoftmaxOptions {
  classes: number;
  lambda: number;
  maxIterations?: number;
}

export function sparseRows(
  columns: number,
  rows: ReadonlyArray<ReadonlyMap<number, number>>,
): SparseRows {
  const start = new Int32Array(rows.length + 1);
  rows.forEach((row, r) => (start[r + 1] = start[r] + row.size));
  const index = new Int32Array(start[rows.length]);
  const value = new Float64Array(start[rows.length]);
  rows.forEach((row, r) => {
    // Sorted columns keep the floating-point summation order independent of insertion order.
    [...row.entries()]
      .sort((a, b) => a[0] - b[0])
      .forEach(([column, v], i) => {
        if (column < 0 || column >= columns) throw new RangeError(`column ${column} out of range`);
        index[start[r] + i] = column;
        value[start[r] + i] = v;
      });
  });
  return { columns, start, index, value };
}

/** Raw class scores of one row. */
export function logitsOf(
  model: SoftmaxModel,
  rows: SparseRows,
  row: number,
  out: Float64Array,
): void {
  const { classes, weights, bias } = model;
  for (let k = 0; k < classes; k++) out[k] = bias[k];
  for (let p = rows.start[row]; p < rows.start[row + 1]; p++) {
    const base = rows.index[p] * classes;
    const v = rows.value[p];
    for (let k = 0; k < classes; k++) out[k] += weights[base + k] * v;
  }
}

/** Softmax of `logits` (divided by `temperature`) in place. */
export function softmaxInPlace(logits: Float64Array, temperature = 1): void {
  let max = Number.NEGATIVE_INFINITY;
  for (const z of logits) max = Math.max(max, z);
  let total = 0;
  for (let k = 0; k < logits.length; k++) {
    logits[k] = Math.exp((logits[k] - max) / temperature);
    total += logits[k];
  }
  for (let k = 0; k < logits.length; k++) logits[k] /= total;
}

function unpack(x: Float64Array, columns: number, classes: number): SoftmaxModel {
  return {
    classes,
    weights: x.subarray(0, columns * classes),
    bias: x.subarray(columns * classes),
  };
}

export function softmaxObjective(set: TrainingSet, classes: number, lambda: number): Objective {
  const { rows, labels, weights: rowWeights } = set;
  const columns = rows.columns;
  const penalised = columns * classes;
  let weightSum = 0;
  for (const w of rowWeights) weightSum += w;
  const p = new Float64Array(classes);

  return (x, gradient) => {
    const model = unpack(x, columns, classes);
    gradient.fill(0);
    let loss = 0;
    for (let r = 0; r < labels.length; r++) {
      logitsOf(model, rows, r, p);
      let max = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < classes; k++) max = Math.max(max, p[k]);
      let total = 0;
      for (let k = 0; k < classes; k++) total += Math.exp(p[k] - max);
      const scale = rowWeights[r] / weightSum;
      loss += scale * (max + Math.log(total) - p[labels[r]]);
      // dLoss/dlogit_k = softmax_k - [k = label]
      for (let k = 0; k < classes; k++) p[k] = (scale * Math.exp(p[k] - max)) / total;
      p[labels[r]] -= scale;
      for (let q = rows.start[r]; q < rows.start[r + 1]; q++) {
        const base = rows.index[q] * classes;
        const v = rows.value[q];
        for (let k = 0; k < classes; k++) gradient[base + k] += p[k] * v;
      }
      for (let k = 0; k < classes; k++) gradient[penalised + k] += p[k];
    }
    let norm = 0;
    for (let i = 0; i < penalised; i++) {
      norm += x[i] * x[i];
      gradient[i] += lambda * x[i];
    }
    return loss + (lambda / 2) * norm;
  };
}

export function trainSoftmax(set: TrainingSet, options: SoftmaxOptions): SoftmaxFit {
  const { classes, lambda } = options;
  const size = set.rows.columns * classes + classes;
  const result = minimizeLbfgs(softmaxObjective(set, classes, lambda), new Float64Array(size), {
    maxIterations: options.maxIterations ?? 400,
    gradientTolerance: 1e-6,
    valueTolerance: 1e-9,
  });
  const model = unpack(result.x, set.rows.columns, classes);
  return {
    classes,
    weights: Float64Array.from(model.weights),
    bias: Float64Array.from(model.bias),
    loss: result.value,
    iterations: result.iterations,
    converged: result.converged,
  };
}
