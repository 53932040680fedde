import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppException } from '../errors/app.exception';
import { ErrorCode } from '../errors/error-code';

/** Keys are honoured for a day; after that the same key starts a new request. */
const KEY_LIFETIME = '24 hours';
const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

export type IdempotentOutcome<T> =
  { replayed: false; result: T } | { replayed: true; status: number; body: unknown };

/**
 * The Idempotency-Key header (IETF draft): the first request with a key runs and its 2xx
 * response is stored; a retry with the same key and parameters gets that response back
 * without running again; a retry while the first is still running gets 409, and so does a
 * key reused with other parameters. A failed request frees its key for a retry.
 */
@Injectable()
export class IdempotencyService {
  constructor(private readonly dataSource: DataSource) {}

  async run<T>(
    scope: string,
    key: string,
    request: unknown,
    operation: () => Promise<{ status: number; body: T }>,
  ): Promise<IdempotentOutcome<{ status: number; body: T }>> {
    if (!KEY_PATTERN.test(key)) {
      throw AppException.validation([
        {
          field: 'Idempotency-Key',
          message: 'Idempotency-Key must be 1 to 200 visible ASCII characters',
        },
      ]);
    }
    const requestHash = createHash('sha256').update(JSON.stringify(request)).digest('hex');
    await this.dataSource.query(
      `DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND created_at < now() - interval '${KEY_LIFETIME}'`,
      [scope, key],
    );
    const claimed = await this.dataSource.query<unknown[]>(
      `INSERT INTO idempotency_keys (scope, key, request_hash, state) VALUES ($1, $2, $3, 'in_progress')
       ON CONFLICT (scope, key) DO NOTHING RETURNING 1`,
      [scope, key, requestHash],
    );
    if (claimed.length === 0) return this.replay(scope, key, requestHash);
    try {
      const response = await operation();
      await this.dataSource.query(
        `UPDATE idempotency_keys SET state = 'completed', response_status = $3, response_body = $4::json
         WHERE scope = $1 AND key = $2`,
        [scope, key, response.status, JSON.stringify(response.body)],
      );
      return { replayed: false, result: response };
    } catch (error) {
      await this.dataSource.query('DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2', [
        scope,
        key,
      ]);
      throw error;
    }
  }

  private async replay(
    scope: string,
    key: string,
    requestHash: string,
  ): Promise<IdempotentOutcome<never>> {
    const [row] = await this.dataSource.query<
      { request_hash: string; state: string; response_status: number; response_body: unknown }[]
    >(
      'SELECT request_hash, state, response_status, response_body FROM idempotency_keys WHERE scope = $1 AND key = $2',
      [scope, key],
    );
    if (!row)
      throw new AppException(
        ErrorCode.Conflict,
        'The Idempotency-Key was just released; retry the request',
      );
    if (row.request_hash !== requestHash) {
      throw new AppException(
        ErrorCode.Conflict,
        'This Idempotency-Key was used with other parameters',
      );
    }
    if (row.state !== 'completed') {
      throw new AppException(
        ErrorCode.Conflict,
        'A request with this Idempotency-Key is still in progress',
      );
    }
    return { replayed: true, status: row.response_status, body: row.response_body };
  }
}
