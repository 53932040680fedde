import { minimizeLbfgs, type Objective } from './lbfgs';

describe(minimizeLbfgs.name, () => {
  // f(x) = Σ (i+1)·(x_i − i)², minimum 0 at x_i = i.
  const quadratic: Objective = (x, gradient) => {
    let value = 0;
    for (let i = 0; i < x.length; i++) {
      value += (i + 1) * (x[i] - i) ** 2;
      gradient[i] = 2 * (i + 1) * (x[i] - i);
    }
    return value;
  };
  const rosenbrock: Objective = (x, gradient) => {
    const [a, b] = x;
    gradient[0] = -2 * (1 - a) - 400 * a * (b - a * a);
    gradient[1] = 200 * (b - a * a);
    return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
  };

  it('finds the minimum of an ill-conditioned quadratic', () => {
    const sut = minimizeLbfgs(quadratic, new Float64Array(20), {
      gradientTolerance: 1e-9,
      valueTolerance: 0,
    });

    expect(sut.converged).toBe(true);
    expect(sut.value).toBeLessThan(1e-12);
    sut.x.forEach((value, i) => expect(value).toBeCloseTo(i, 6));
  });

  it('follows the curved valley of the Rosenbrock function to (1, 1)', () => {
    const sut = minimizeLbfgs(rosenbrock, Float64Array.from([-1.2, 1]), {
      gradientTolerance: 1e-8,
      valueTolerance: 0,
    });

    expect(sut.converged).toBe(true);
    expect(sut.x[0]).toBeCloseTo(1, 5);
    expect(sut.x[1]).toBeCloseTo(1, 5);
  });

  it('stops at the iteration limit and says it did not converge', () => {
    const sut = minimizeLbfgs(rosenbrock, Float64Array.from([-1.2, 1]), { maxIterations: 3 });

    expect(sut).toMatchObject({ iterations: 3, converged: false });
  });

  it('is deterministic and leaves the start point alone', () => {
    const start = Float64Array.from([-1.2, 1]);

    const first = minimizeLbfgs(rosenbrock, start, { maxIterations: 25 });
    const second = minimizeLbfgs(rosenbrock, start, { maxIterations: 25 });

    expect(Array.from(first.x)).toEqual(Array.from(second.x));
    expect(Array.from(start)).toEqual([-1.2, 1]);
  });
});
