// Provider call failures as errors, and the circuit breaker that stops calling a provider
// which keeps failing (ProviderHttpClient holds one per provider).

export class ProviderHttpError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ProviderHttpError';
  }
}

/** Thrown without calling the provider while its circuit is open. */
export class CircuitOpenError extends ProviderHttpError {
  constructor(message: string) {
    super(message);
    this.name = 'CircuitOpenError';
  }
}

export interface CircuitOptions {
  /** Consecutive failed calls (each after its retries) that open the circuit. */
  failures: number;
  /** How long it stays open the first time; doubles while trial calls fail (up to 16×). */
  openMs: number;
}

/**
 * Stops calling a provider that keeps failing: after `failures` failed calls in a row, calls
 * fail at once for `openMs`; then one trial call goes through (half-open) — success closes
 * the circuit, failure opens it again for twice as long.
 */
export class CircuitBreaker {
  private consecutiveFailures = 0;
  private openUntil = 0;
  private openFor: number;

  constructor(
    private readonly label: string,
    private readonly options: CircuitOptions,
  ) {
    this.openFor = options.openMs;
  }

  /** Throws CircuitOpenError while the circuit is open. */
  check(now = Date.now()): void {
    if (now < this.openUntil) {
      throw new CircuitOpenError(
        `${this.label}: circuit open after ${this.consecutiveFailures} failed calls in a row; next attempt in ${Math.ceil((this.openUntil - now) / 1_000)} s`,
      );
    }
  }

  succeeded(): void {
    this.consecutiveFailures = 0;
    this.openFor = this.options.openMs;
    this.openUntil = 0;
  }

  failed(now = Date.now()): void {
    this.consecutiveFailures++;
    if (this.consecutiveFailures >= this.options.failures) {
      this.openUntil = now + this.openFor;
      this.openFor = Math.min(this.openFor * 2, this.options.openMs * 16);
    }
  }
}
