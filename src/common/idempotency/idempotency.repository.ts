import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Keys are honoured for a day; after that the same key starts a new request. */
const KEY_LIFETIME = '24 hours';

/** A key as another request finds it. */
export interface StoredKey {
  requestHash: string;
  state: 'in_progress' | 'completed';
  responseStatus: number | null;
  responseBody: unknown;
  /** Until its lease runs out (database clock), or null when nothing holds the key. */
  leaseRemainingMs: number | null;
  leaseToken: string | null;
}

/**
 * The idempotency_keys table. Every lease is measured on the database's clock (`now()`), so
 * instances with skewed clocks agree on when a key is free; every write after the claim names
 * the holder's `lease_token`, so a holder that lost its key changes nothing.
 */
@Injectable()
export class IdempotencyRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Takes the key for this request, in one statement: a new key; a key past its lifetime;
   * or a key for the same request whose lease ran out (its holder died or lost the database).
   * Two requests racing for an expired key: the row lock lets one update it, the other
   * re-reads the renewed lease and gets nothing. Whether this request now holds the key.
   */
  async claim(
    scope: string,
    key: string,
    requestHash: string,
    token: string,
    leaseSeconds: number,
  ): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      `INSERT INTO idempotency_keys AS k (scope, key, request_hash, state, lease_token, lease_expires_at)
       VALUES ($1, $2, $3, 'in_progress', $4, now() + $5::int * interval '1 second')
       ON CONFLICT (scope, key) DO UPDATE SET
         request_hash = EXCLUDED.request_hash, state = 'in_progress', response_status = NULL,
         response_body = NULL, created_at = now(), lease_token = EXCLUDED.lease_token,
         lease_expires_at = EXCLUDED.lease_expires_at
       WHERE k.created_at < now() - interval '${KEY_LIFETIME}'
          OR (k.lease_expires_at < now() AND k.request_hash = EXCLUDED.request_hash)
       RETURNING 1`,
      [scope, key, requestHash, token, leaseSeconds],
    );
    return rows.length > 0;
  }

  async find(scope: string, key: string): Promise<StoredKey | null> {
    const [row] = await this.dataSource.query<
      {
        request_hash: string;
        state: StoredKey['state'];
        response_status: number | null;
        response_body: unknown;
        lease_remaining_ms: number | null;
        lease_token: string | null;
      }[]
    >(
      `SELECT request_hash, state, response_status, response_body, lease_token,
              (extract(epoch FROM lease_expires_at - now()) * 1000)::float8 AS lease_remaining_ms
       FROM idempotency_keys WHERE scope = $1 AND key = $2`,
      [scope, key],
    );
    if (!row) return null;
    return {
      requestHash: row.request_hash,
      state: row.state,
      responseStatus: row.response_status,
      responseBody: row.response_body,
      leaseRemainingMs: row.lease_remaining_ms,
      leaseToken: row.lease_token,
    };
  }

  /**
   * Takes over a stored 202 whose work is known dead before its lease ran out (its run was
   * recorded as failed), if it is still the one seen (`seenToken`): one of racing retries wins.
   */
  async claimDead(
    scope: string,
    key: string,
    seenToken: string,
    token: string,
    leaseSeconds: number,
  ): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      `UPDATE idempotency_keys SET state = 'in_progress', response_status = NULL,
         response_body = NULL, created_at = now(), lease_token = $4,
         lease_expires_at = now() + $5::int * interval '1 second'
       WHERE scope = $1 AND key = $2 AND lease_token = $3 AND state = 'completed'
         AND lease_expires_at IS NOT NULL
       RETURNING 1`,
      [scope, key, seenToken, token, leaseSeconds],
    );
    return rows.length > 0;
  }

  /** Extends the holder's lease; false when the key is no longer this holder's. */
  async renew(scope: string, key: string, token: string, leaseSeconds: number): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      `UPDATE idempotency_keys SET lease_expires_at = now() + $4::int * interval '1 second'
       WHERE scope = $1 AND key = $2 AND lease_token = $3 AND lease_expires_at IS NOT NULL
       RETURNING 1`,
      [scope, key, token, leaseSeconds],
    );
    return rows.length > 0;
  }

  /**
   * Stores the response. `keepLease`: the work it reports goes on (a 202), and the key stays
   * leased until `settle` or `release`, so a retry replays it only while that work is alive.
   */
  async complete(
    scope: string,
    key: string,
    token: string,
    response: { status: number; body: unknown },
    keepLease: boolean,
  ): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      `UPDATE idempotency_keys SET state = 'completed', response_status = $4,
         response_body = $5::json, lease_expires_at = CASE WHEN $6::boolean THEN lease_expires_at END
       WHERE scope = $1 AND key = $2 AND lease_token = $3
       RETURNING 1`,
      [scope, key, token, response.status, JSON.stringify(response.body), keepLease],
    );
    return rows.length > 0;
  }

  /** The work behind a stored 202 ended well: its response is replayed from now on. */
  async settle(scope: string, key: string, token: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE idempotency_keys SET lease_expires_at = NULL
       WHERE scope = $1 AND key = $2 AND lease_token = $3 AND state = 'completed'`,
      [scope, key, token],
    );
  }

  /** Frees the key (the request or its work failed), if this holder still has it. */
  async release(scope: string, key: string, token: string): Promise<void> {
    await this.dataSource.query(
      'DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND lease_token = $3',
      [scope, key, token],
    );
  }
}
