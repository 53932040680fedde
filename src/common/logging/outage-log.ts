import type { Logger } from '@nestjs/common';

const seconds = (ms: number): string =>
  ms < 120_000 ? `${Math.round(ms / 1_000)} s` : `${Math.round(ms / 60_000)} min`;

/** "next attempt at 16:45:00 UTC", for a retry scheduled at `at`. */
export const nextAttemptAt = (at: Date | number): string =>
  `next attempt at ${new Date(at).toISOString().slice(11, 19)} UTC`;

/**
 * The log of one dependency's outages (a provider, a stream): one warning when it starts to
 * fail, saying when it is tried again; debug lines while it stays down; one line when it is
 * back. An offline start logs one warning per source, not one per retry.
 */
export class OutageLog {
  private since: number | null = null;
  private failures = 0;

  constructor(
    private readonly logger: Logger,
    private readonly what: string,
  ) {}

  failed(reason: string, retry?: string): void {
    this.failures += 1;
    if (this.since !== null) {
      this.logger.debug(`${this.what} still unreachable: ${reason}`);
      return;
    }
    this.since = Date.now();
    this.logger.warn(
      `${this.what} unreachable: ${reason}; ${retry ?? 'retrying'} ` +
        '(further failures are logged at debug until it is back)',
    );
  }

  /** Whether this success ended an outage (and said so). */
  recovered(): boolean {
    if (this.since === null) return false;
    const attempts = this.failures;
    this.logger.log(
      `${this.what} reachable again after ${seconds(Date.now() - this.since)} ` +
        `(${attempts} failed attempt${attempts === 1 ? '' : 's'})`,
    );
    this.since = null;
    this.failures = 0;
    return true;
  }
}
