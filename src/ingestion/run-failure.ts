import { isDatabaseUnavailable } from '../database/database-errors';

/**
 * Why a run failed, as `details.error_kind`: the database was unreachable, the provider took
 * too long, its circuit is open, the provider failed (an HTTP error, a body not as
 * documented), or something inside the service failed (a query PostgreSQL refused, a bug).
 */
export type RunFailureKind =
  'database' | 'timeout' | 'circuit_open' | 'upstream' | 'internal' | 'invalid_file';

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
    return { kind: 'database', publicMessage: 'database unavailable', detail: message };
  }
  if (name === 'TimeoutError' || name === 'AbortError') {
    return { kind: 'timeout', publicMessage: message, detail: message };
  }
  if (name === 'CircuitOpenError') {
    return { kind: 'circuit_open', publicMessage: message, detail: message };
  }
  if (hasSqlState(error)) {
    return {
      kind: 'internal',
      publicMessage: 'internal error while storing the data (details in the service log)',
      detail: message,
    };
  }
  return { kind: 'upstream', publicMessage: message, detail: message };
}
