import { AppException } from '../common/errors/app.exception';
import { ErrorCode } from '../common/errors/error-code';
import { isDatabaseUnavailable } from '../database/database-errors';
import type { IngestionRunEntity } from './entities/ingestion-run.entity';

/**
 * Why a run failed, stored as `details.error_kind`: the database was unreachable, the
 * provider took too long, its circuit is open, the provider failed (an HTTP error, a body not
 * as documented), something inside the service failed (a query PostgreSQL refused, a bug), an
 * imported file was refused, or the run's process died.
 */
export enum RunFailureKind {
  Database = 'database',
  Timeout = 'timeout',
  CircuitOpen = 'circuit_open',
  Upstream = 'upstream',
  Internal = 'internal',
  InvalidFile = 'invalid_file',
  Interrupted = 'interrupted',
}

const KINDS = new Set<string>(Object.values(RunFailureKind));

/** The failure kind a finished run records, or null when it did not fail. */
export function failureKindOf(
  run: Pick<IngestionRunEntity, 'status' | 'details'>,
): RunFailureKind | null {
  if (run.status !== 'failed') return null;
  const kind = run.details?.error_kind;
  return typeof kind === 'string' && KINDS.has(kind)
    ? (kind as RunFailureKind)
    : RunFailureKind.Internal;
}

/**
 * The problem a failed run answers a caller with, from its kind: the database away 503 (retry
 * shortly), a refused file 400, the provider too slow 504, the provider failing or its
 * circuit open 502, anything inside the service 500 (details in the log under the run id).
 */
export function runFailedException(run: IngestionRunEntity, what: string): AppException {
  const extensions = { run_id: run.id, provider: run.source };
  switch (failureKindOf(run)) {
    case RunFailureKind.Database:
      return new AppException(
        ErrorCode.ServiceUnavailable,
        `${what} failed: the database is unavailable; the run is recorded as failed once it is back`,
        { headers: { 'retry-after': '5' }, extensions },
      );
    case RunFailureKind.InvalidFile:
      return new AppException(ErrorCode.BadRequest, run.error ?? 'The file was refused', {
        extensions,
      });
    case RunFailureKind.Timeout:
      return new AppException(
        ErrorCode.UpstreamTimeout,
        `${what} failed: ${run.error ?? 'timeout'}`,
        {
          extensions,
        },
      );
    case RunFailureKind.Upstream:
    case RunFailureKind.CircuitOpen:
      return new AppException(
        ErrorCode.UpstreamError,
        `${what} failed: ${run.error ?? 'unknown error'}`,
        { extensions },
      );
    case RunFailureKind.Internal:
    case RunFailureKind.Interrupted:
    case null:
      return new AppException(
        ErrorCode.Internal,
        `${what} failed inside the service; the log has the details under run ${run.id}`,
        { extensions },
      );
  }
}

export interface RunFailure {
  kind: RunFailureKind;
  /** What the run record and API answers say: never a SQL or internal error text. */
  publicMessage: string;
  /** The whole message, for the service log only. */
  detail: string;
}

/** A SQLSTATE (five characters) on the error or on what TypeORM or pg wrapped. */
function hasSqlState(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const { code, name } = e as { code?: unknown; name?: unknown };
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return true;
    if (name === 'QueryFailedError' || name === 'TypeORMError') return true;
    e =
      (e as { driverError?: unknown; cause?: unknown }).driverError ??
      (e as { cause?: unknown }).cause;
  }
  return false;
}

export function classifyRunFailure(error: unknown): RunFailure {
  // Duck-typed: a fetch timeout is a DOMException, not always an Error of this realm.
  const { name, message = String(error) } = (error ?? {}) as { name?: string; message?: string };
  if (isDatabaseUnavailable(error)) {
    return {
      kind: RunFailureKind.Database,
      publicMessage: 'database unavailable',
      detail: message,
    };
  }
  if (name === 'TimeoutError' || name === 'AbortError') {
    return { kind: RunFailureKind.Timeout, publicMessage: message, detail: message };
  }
  if (name === 'CircuitOpenError') {
    return { kind: RunFailureKind.CircuitOpen, publicMessage: message, detail: message };
  }
  if (hasSqlState(error)) {
    return {
      kind: RunFailureKind.Internal,
      publicMessage: 'internal error while storing the data (details in the service log)',
      detail: message,
    };
  }
  return { kind: RunFailureKind.Upstream, publicMessage: message, detail: message };
}
