// Outbound HTTP for providers: every attempt bounded by a timeout, bounded retries with
// exponential backoff on network errors and 5xx, Retry-After honoured on 429 (up to a
// cap), a per-provider request budget, and errors that say which call failed.

export class ProviderHttpError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ProviderHttpError';
  }
}

export interface HttpClientOptions {
  /** For messages: `CoinGecko`. */
  provider: string;
  timeoutMs?: number;
  retries?: number;
  baseDelayMs?: number;
  maxRetryAfterMs?: number;
  /** Calls allowed per minute (the provider's free-tier quota). */
  requestsPerMinute: number;
}

export const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason as Error)), {
      once: true,
    });
  });

/** Seconds or an HTTP date, as RFC 9110 allows; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1_000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

export class ProviderHttpClient {
  private readonly sent: number[] = [];

  constructor(private readonly options: HttpClientOptions) {}

  /**
   * GETs JSON. `beforeAttempt` runs before every attempt (a provider's own budget, e.g.
   * Binance request weight); `onHeaders` sees every response's headers.
   */
  async getJson(
    url: URL,
    headers: Record<string, string>,
    signal: AbortSignal,
    hooks: {
      beforeAttempt?: (signal: AbortSignal) => Promise<void>;
      onHeaders?: (headers: Headers) => void;
    } = {},
  ): Promise<unknown> {
    const {
      provider,
      timeoutMs = 10_000,
      retries = 3,
      baseDelayMs = 250,
      maxRetryAfterMs = 30_000,
    } = this.options;
    const call = `${provider} GET ${url.pathname}`;
    for (let attempt = 0; ; attempt++) {
      await this.takeBudget(signal);
      await hooks.beforeAttempt?.(signal);
      let response: Response;
      try {
        response = await fetch(url, {
          headers: { accept: 'application/json', ...headers },
          signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
        });
      } catch (error) {
        const { name, message, cause } = error as {
          name?: string;
          message?: string;
          cause?: { code?: string };
        };
        if (signal.aborted || attempt >= retries) {
          if (name === 'TimeoutError' || name === 'AbortError') {
            throw Object.assign(
              new ProviderHttpError(`${call}: no answer within ${timeoutMs} ms`),
              { name: 'TimeoutError' },
            );
          }
          throw new ProviderHttpError(
            `${call}: ${message ?? String(error)}${cause?.code ? ` (${cause.code})` : ''}`,
          );
        }
        await sleep(baseDelayMs * 2 ** attempt, signal);
        continue;
      }
      hooks.onHeaders?.(response.headers);
      if (response.ok) {
        const text = await response.text();
        try {
          return JSON.parse(text) as unknown;
        } catch {
          throw new ProviderHttpError(`${call}: the response is not valid JSON`, response.status);
        }
      }
      await response.body?.cancel();
      const retryable = response.status === 429 || response.status >= 500;
      if (!retryable || attempt >= retries) {
        throw new ProviderHttpError(`${call}: HTTP ${response.status}`, response.status);
      }
      const wait =
        response.status === 429
          ? (retryAfterMs(response.headers.get('retry-after')) ?? baseDelayMs * 2 ** attempt)
          : baseDelayMs * 2 ** attempt;
      if (wait > maxRetryAfterMs) {
        throw new ProviderHttpError(
          `${call}: HTTP 429, retry after ${Math.round(wait / 1_000)} s is too long`,
          429,
        );
      }
      await sleep(wait, signal);
    }
  }

  /** Waits for room in the per-minute budget, so a busy schedule never exceeds the quota. */
  private async takeBudget(signal: AbortSignal): Promise<void> {
    for (;;) {
      const now = Date.now();
      while (this.sent.length > 0 && now - this.sent[0] >= 60_000) this.sent.shift();
      if (this.sent.length < this.options.requestsPerMinute) {
        this.sent.push(now);
        return;
      }
      await sleep(60_000 - (now - this.sent[0]), signal);
    }
  }
}
