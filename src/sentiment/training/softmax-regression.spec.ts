import {
  logitsOf,
  softmaxInPlace,
  softmaxObjective,
  sparseRows,
  trainSoftmax,
  type TrainingSet,
} from './softmax-regression';

function trainingSet(
  rows: [number, number][][],
  labels: number[],
  weights?: number[],
): TrainingSet {
  const columns = 1 + Math.max(...rows.flat().map(([column]) => column));
  return {
    rows: sparseRows(
      columns,
      rows.map((row) => new Map(row)),
    ),
    labels: Int32Array.from(labels),
    weights: Float64Array.from(weights ?? labels.map(() => 1)),
  };
}

// Three classes, each marked by its own column, plus a shared noisy column.
const separable = trainingSet(
  [
    [
      [0, 1],
      [3, 0.2],
    ],
    [[0, 0.8]],
    [
      [1, 1],
      [3, 0.5],
    ],
    [[1, 0.9]],
    [
      [2, 1],
      [3, 0.1],
    ],
    [
      [2, 0.7],
      [3, 0.3],
    ],
  ],
  [0, 0, 1, 1, 2, 2],
);

describe('softmax regression', () => {
  it('builds sparse rows in column order and rejects columns out of range', () => {
    const sut = sparseRows(4, [
      new Map([
        [3, 0.5],
        [1, 2],
      ]),
      new Map(),
    ]);

    expect(Array.from(sut.start)).toEqual([0, 2, 2]);
    expect(Array.from(sut.index)).toEqual([1, 3]);
    expect(Array.from(sut.value)).toEqual([2, 0.5]);
    expect(() => sparseRows(2, [new Map([[2, 1]])])).toThrow(RangeError);
  });

  it('has the gradient of its loss (finite differences)', () => {
    const set = trainingSet(
      [
        [
          [0, 1],
          [1, -0.5],
        ],
        [[1, 2]],
        [
          [0, 0.3],
          [2, 1.5],
        ],
        [[2, -1]],
      ],
      [0, 1, 2, 1],
      [1, 2, 0.5, 1],
    );
    const objective = softmaxObjective(set, 3, 0.1);
    const x = Float64Array.from({ length: 3 * 3 + 3 }, (_, i) => Math.sin(i + 1) / 2);
    const gradient = new Float64Array(x.length);
    objective(x, gradient);

    const h = 1e-6;
    x.forEach((_, i) => {
      const plus = Float64Array.from(x);
      const minus = Float64Array.from(x);
      plus[i] += h;
      minus[i] -= h;
      const scratch = new Float64Array(x.length);
      const numeric = (objective(plus, scratch) - objective(minus, scratch)) / (2 * h);
      expect(gradient[i]).toBeCloseTo(numeric, 7);
    });
  });

  it('separates a separable set, and a stronger penalty gives smaller weights', () => {
    const weak = trainSoftmax(separable, { classes: 3, lambda: 1e-3 });
    const strong = trainSoftmax(separable, { classes: 3, lambda: 1e-1 });
    const norm = (w: Float64Array) => Math.sqrt(w.reduce((sum, v) => sum + v * v, 0));

    expect(weak.converged).toBe(true);
    const p = new Float64Array(3);
    separable.labels.forEach((label, row) => {
      logitsOf(weak, separable.rows, row, p);
      softmaxInPlace(p);
      expect(p.indexOf(Math.max(...p))).toBe(label);
      expect(p[label]).toBeGreaterThan(0.9);
    });
    expect(norm(strong.weights)).toBeLessThan(norm(weak.weights) / 2);
  });

  it('weighs rows by their weight', () => {
    // The same features with conflicting labels: the heavier row wins.
    const conflicting = (weights: number[]) =>
      trainSoftmax(trainingSet([[[0, 1]], [[0, 1]]], [0, 1], weights), {
        classes: 2,
        lambda: 1e-2,
      });
    const p = new Float64Array(2);

    const favourFirst = conflicting([3, 1]);
    logitsOf(favourFirst, sparseRows(1, [new Map([[0, 1]])]), 0, p);
    softmaxInPlace(p);

    expect(p[0]).toBeGreaterThan(0.6);
    expect(p[0]).toBeLessThan(0.8);
  });

  it('is deterministic to the last bit', () => {
    const first = trainSoftmax(separable, { classes: 3, lambda: 1e-2 });
    const second = trainSoftmax(separable, { classes: 3, lambda: 1e-2 });

    expect(Buffer.from(first.weights.buffer)).toEqual(Buffer.from(second.weights.buffer));
    expect(Array.from(first.bias)).toEqual(Array.from(second.bias));
  });

  it('softens probabilities with a temperature above 1', () => {
    const sharp = Float64Array.from([2, 0, -1]);
    const soft = Float64Array.from([2, 0, -1]);

    softmaxInPlace(sharp);
    softmaxInPlace(soft, 2);

    expect(sharp.reduce((a, b) => a + b)).toBeCloseTo(1, 12);
    expect(soft[0]).toBeLessThan(sharp[0]);
    expect(soft[0]).toBeCloseTo(Math.exp(1) / (Math.exp(1) + 1 + Math.exp(-0.5)), 12);
  });
});
