import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import { AppException } from '../errors/app.exception';
import { ErrorCode } from '../errors/error-code';
import { IdempotencyRepository, type StoredKey } from './idempotency.repository';

const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

export type IdempotentOutcome<T> =
  { replayed: false; result: T } | { replayed: true; status: number; body: unknown };

/** What an operation answers; `settled`: work it started goes on (a 202), true if it ends well. */
export interface IdempotentResponse<T> {
  status: number;
  body: T;
  settled?: Promise<boolean>;
}

/** A key this process holds: its lease is renewed until `stop`. */
interface HeldKey {
  scope: string;
  key: string;
  token: string;
  stop(): void;
}

/**
 * The Idempotency-Key header (IETF draft): the first request with a key runs and its 2xx
 * response is stored; a retry with the same key and parameters gets that response back
 * without running again; a retry while the first is still running gets 409, and so does a
 * key reused with other parameters. A failed request frees its key for a retry.
 *
 * A key is held under a lease that its process renews while the request runs (and, for a
 * 202, while the work it started runs). A holder that dies, or loses the database, stops
 * renewing: after IDEMPOTENCY_LEASE_SECONDS the next request with the key takes it over
 * instead of getting 409 for a day, and a 202 whose work died is not replayed.
 */
@Injectable()
export class IdempotencyService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(IdempotencyService.name);
  private readonly settling = new Set<Promise<void>>();

  constructor(
    private readonly keys: IdempotencyRepository,
    private readonly config: AppConfig,
  ) {}

  /**
   * `isAlive`: asked about a stored response whose work may still run (a 202 still leased);
   * false when that work is known dead (its run recorded as failed), so the key is taken over
   * now instead of after the lease.
   */
  async run<T>(
    scope: string,
    key: string,
    request: unknown,
    operation: () => Promise<IdempotentResponse<T>>,
    isAlive?: (stored: { status: number; body: unknown }) => Promise<boolean>,
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
    const token = randomUUID();
    const { leaseSeconds } = this.config.idempotency;
    if (!(await this.keys.claim(scope, key, requestHash, token, leaseSeconds))) {
      const stored = await this.keys.find(scope, key);
      const replay = this.replayOf(stored, requestHash);
      const dead =
        isAlive !== undefined &&
        stored?.leaseRemainingMs != null &&
        !(await isAlive({ status: replay.status, body: replay.body }));
      if (!dead) {
        if (isAlive === undefined || stored?.leaseRemainingMs == null) return replay;
        // Liveness is judged by the source (its advisory lock), not by the run: a concurrent
        // retry that took the key over and started a run of its own makes the source look
        // alive. Replay only what is still stored: the new holder's answer, or its 409.
        const now = await this.keys.find(scope, key);
        return now?.leaseToken === stored.leaseToken ? replay : this.replayOf(now, requestHash);
      }
      if (!(await this.keys.claimDead(scope, key, stored.leaseToken!, token, leaseSeconds))) {
        throw this.inProgress(leaseSeconds * 1_000);
      }
    }
    const held = this.hold(scope, key, token);
    let response: IdempotentResponse<T>;
    try {
      response = await operation();
    } catch (error) {
      held.stop();
      await this.release(held);
      throw error;
    }
    const { settled, ...answer } = response;
    if (!settled) held.stop();
    try {
      if (!(await this.keys.complete(scope, key, token, answer, settled !== undefined))) {
        this.logger.warn(`response to ${scope} key not stored: a retry took the key over`);
      }
    } catch (error) {
      // The work is done: answer it. Unstored, the key frees itself when its lease runs out.
      this.logger.warn(`response to ${scope} key not stored: ${String(error)}`);
    }
    if (settled) this.track(this.settle(held, settled));
    return { replayed: false, result: answer };
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.settling]);
  }

  /** Renews the key's lease every third of its length until stopped; the timer never holds the process. */
  private hold(scope: string, key: string, token: string): HeldKey {
    const { leaseSeconds } = this.config.idempotency;
    let renewing = false;
    const timer = setInterval(
      () => {
        if (renewing) return;
        renewing = true;
        this.keys
          .renew(scope, key, token, leaseSeconds)
          .then((held) => {
            if (held) return;
            clearInterval(timer);
            this.logger.warn(`${scope} key lost: its lease ran out and a retry took it over`);
          })
          .catch((error: unknown) =>
            this.logger.debug(`${scope} key lease not renewed: ${String(error)}`),
          )
          .finally(() => (renewing = false));
      },
      (leaseSeconds * 1_000) / 3,
    );
    timer.unref();
    return { scope, key, token, stop: () => clearInterval(timer) };
  }

  /** After a stored 202: replayed while its work runs; freed if the work fails. */
  private async settle(held: HeldKey, settled: Promise<boolean>): Promise<void> {
    const succeeded = await settled.catch(() => false);
    held.stop();
    try {
      if (succeeded) await this.keys.settle(held.scope, held.key, held.token);
      else await this.keys.release(held.scope, held.key, held.token);
    } catch (error) {
      this.logger.warn(`${held.scope} key not settled (its lease frees it): ${String(error)}`);
    }
  }

  /** Frees a failed request's key; if the database is what failed, the lease frees it later. */
  private async release(held: HeldKey): Promise<void> {
    try {
      await this.keys.release(held.scope, held.key, held.token);
    } catch (error) {
      this.logger.warn(`${held.scope} key not released (its lease frees it): ${String(error)}`);
    }
  }

  private track(promise: Promise<void>): void {
    this.settling.add(promise);
    void promise.finally(() => this.settling.delete(promise));
  }

  /** The stored response for a retry, or the 409 that explains why there is none. */
  private replayOf(
    row: StoredKey | null,
    requestHash: string,
  ): { replayed: true; status: number; body: unknown } {
    if (!row)
      throw new AppException(
        ErrorCode.Conflict,
        'The Idempotency-Key was just released; retry the request',
      );
    if (row.requestHash !== requestHash) {
      throw new AppException(
        ErrorCode.Conflict,
        'This Idempotency-Key was used with other parameters',
      );
    }
    if (row.state !== 'completed') throw this.inProgress(row.leaseRemainingMs ?? 0);
    return { replayed: true, status: row.responseStatus ?? 200, body: row.responseBody };
  }

  private inProgress(retryAfterMs: number): AppException {
    return new AppException(
      ErrorCode.Conflict,
      'A request with this Idempotency-Key is still in progress',
      { headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1_000))) } },
    );
  }
}
