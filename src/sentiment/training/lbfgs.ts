// Limited-memory BFGS (Nocedal & Wright, Numerical Optimization, algorithm 7.4/7.5) with a
// backtracking Armijo line search: enough for the smooth convex objective of logistic
// regression. Everything runs in a fixed order on Float64Arrays, so a run is deterministic.

/** Writes the gradient at `x` into `gradient` and returns the objective's value. */
export type Objective = (x: Float64Array, gradient: Float64Array) => number;

export interface LbfgsOptions {
  /** Correction pairs kept (m). */
  memory?: number;
  maxIterations?: number;
  /** Stop when ‖gradient‖∞ falls below this. */
  gradientTolerance?: number;
  /** Stop when an iteration improves the value by less than this, relatively. */
  valueTolerance?: number;
}

export interface LbfgsResult {
  x: Float64Array;
  value: number;
  iterations: number;
  converged: boolean;
}

const ARMIJO = 1e-4;
const BACKTRACK = 0.5;
const MAX_BACKTRACKS = 40;

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

function maxAbs(a: Float64Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]));
  return max;
}

export function minimizeLbfgs(
  objective: Objective,
  start: Float64Array,
  options: LbfgsOptions = {},
): LbfgsResult {
  const memory = options.memory ?? 10;
  const maxIterations = options.maxIterations ?? 500;
  const gradientTolerance = options.gradientTolerance ?? 1e-6;
  const valueTolerance = options.valueTolerance ?? 1e-10;
  const n = start.length;

  let x = Float64Array.from(start);
  let gradient = new Float64Array(n);
  let value = objective(x, gradient);
  const s: Float64Array[] = [];
  const y: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(memory);
  const direction = new Float64Array(n);
  let candidate = new Float64Array(n);
  let candidateGradient = new Float64Array(n);

  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    if (maxAbs(gradient) < gradientTolerance)
      return { x, value, iterations: iteration - 1, converged: true };

    // Two-loop recursion: direction = -H·gradient.
    direction.set(gradient);
    for (let i = s.length - 1; i >= 0; i--) {
      alpha[i] = rho[i] * dot(s[i], direction);
      for (let j = 0; j < n; j++) direction[j] -= alpha[i] * y[i][j];
    }
    const last = s.length - 1;
    const gamma =
      last >= 0
        ? dot(s[last], y[last]) / dot(y[last], y[last])
        : 1 / Math.sqrt(dot(gradient, gradient));
    for (let j = 0; j < n; j++) direction[j] *= gamma;
    for (let i = 0; i < s.length; i++) {
      const beta = rho[i] * dot(y[i], direction);
      for (let j = 0; j < n; j++) direction[j] += s[i][j] * (alpha[i] - beta);
    }
    for (let j = 0; j < n; j++) direction[j] = -direction[j];

    let slope = dot(gradient, direction);
    if (slope >= 0) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      s.length = y.length = rho.length = 0;
      for (let j = 0; j < n; j++) direction[j] = -gradient[j] / Math.sqrt(dot(gradient, gradient));
      slope = dot(gradient, direction);
    }

    let step = 1;
    let nextValue = Number.POSITIVE_INFINITY;
    for (let k = 0; k < MAX_BACKTRACKS; k++) {
      for (let j = 0; j < n; j++) candidate[j] = x[j] + step * direction[j];
      nextValue = objective(candidate, candidateGradient);
      if (nextValue <= value + ARMIJO * step * slope) break;
      step *= BACKTRACK;
    }
    if (!(nextValue <= value + ARMIJO * step * slope))
      return { x, value, iterations: iteration, converged: false };

    const sNew = new Float64Array(n);
    const yNew = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      sNew[j] = candidate[j] - x[j];
      yNew[j] = candidateGradient[j] - gradient[j];
    }
    const curvature = dot(sNew, yNew);
    if (curvature > 1e-12) {
      if (s.length === memory) {
        s.shift();
        y.shift();
        rho.shift();
      }
      s.push(sNew);
      y.push(yNew);
      rho.push(1 / curvature);
    }

    const improvement = value - nextValue;
    [x, candidate] = [candidate, x];
    [gradient, candidateGradient] = [candidateGradient, gradient];
    value = nextValue;
    if (improvement <= valueTolerance * Math.max(1, Math.abs(value))) {
      return { x, value, iterations: iteration, converged: true };
    }
  }
  return { x, value, iterations: maxIterations, converged: maxAbs(gradient) < gradientTolerance };
}
