import type { IngestionRunEntity } from './entities/ingestion-run.entity';
import {
  RunFailureKind,
  classifyRunFailure,
  failureKindOf,
  runFailedException,
} from './run-failure';

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

describe(runFailedException.name, () => {
  const failedRun = (details: Record<string, unknown>): IngestionRunEntity =>
    ({
      id: 'b3c1f8c4-3d1e-4a57-9f0e-7c2a4f7f1a10',
      source: 'coingecko',
      status: 'failed',
      error: 'the provider answered 500',
      details,
    }) as IngestionRunEntity;

  it.each([
    [RunFailureKind.Database, 503],
    [RunFailureKind.InvalidFile, 400],
    [RunFailureKind.Timeout, 504],
    [RunFailureKind.Upstream, 502],
    [RunFailureKind.CircuitOpen, 502],
    [RunFailureKind.Internal, 500],
    [RunFailureKind.Interrupted, 500],
  ])('answers a run that failed with %s as %i, naming the run', (kind, status) => {
    const sut = runFailedException(failedRun({ error_kind: kind }), 'Sync of coingecko');

    expect(sut.status).toBe(status);
    expect(sut.options.extensions).toMatchObject({
      run_id: failedRun({}).id,
      provider: 'coingecko',
    });
  });

  it('reads an unknown or missing kind as internal, and a run that did not fail as none', () => {
    expect(failureKindOf(failedRun({ error_kind: 'martian' }))).toBe(RunFailureKind.Internal);
    expect(failureKindOf(failedRun({}))).toBe(RunFailureKind.Internal);
    expect(failureKindOf({ status: 'success', details: {} })).toBeNull();
  });

  it('never puts an internal error text in the answer', () => {
    const run = { ...failedRun({ error_kind: 'internal' }), error: 'relation "x" does not exist' };

    expect(runFailedException(run as IngestionRunEntity, 'Sync of coingecko').message).not.toMatch(
      /relation/,
    );
  });
});
