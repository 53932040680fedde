import { classifyRunFailure } from './run-failure';

describe(classifyRunFailure.name, () => {
  it('keeps what PostgreSQL said out of the public message', () => {
    const refused = Object.assign(new Error('QueryFailedError'), {
      name: 'QueryFailedError',
      message: 'timestamp out of range: "-271821-04-20"',
      driverError: { code: '22008' },
    });

    expect(classifyRunFailure(refused)).toEqual({
      kind: 'internal',
      publicMessage: 'internal error while storing the data (details in the service log)',
      detail: 'timestamp out of range: "-271821-04-20"',
    });
  });

  it('names the database as away without its connection details', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), {
      code: 'ECONNREFUSED',
    });

    expect(classifyRunFailure(refused)).toMatchObject({
      kind: 'database',
      publicMessage: 'database unavailable',
    });
  });

  it("passes a provider's failure on as it is", () => {
    const timeout = Object.assign(new Error('The operation was aborted due to timeout'), {
      name: 'TimeoutError',
    });

    expect(classifyRunFailure(new Error('CoinGecko answered 500 after 3 attempts'))).toMatchObject({
      kind: 'upstream',
      publicMessage: 'CoinGecko answered 500 after 3 attempts',
    });
    expect(classifyRunFailure(timeout).kind).toBe('timeout');
  });
});
