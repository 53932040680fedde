// Outbound HTTP for providers: every attempt bounded by a timeout (body included), bounded
// retries with exponential backoff on network errors and 5xx, Retry-After honoured on 429
// (up to a cap), a cap on response size, a per-provider request budget, a circuit breaker,
// and errors that say which call failed.
import { CircuitBreaker, ProviderHttpError, type CircuitOptions } from './circuit-breaker';

/** A provider's own per-request rules (e.g. Binance request weight). */
export interface RequestHooks {
  /** Runs before every attempt. */
  beforeAttempt?: (signal: AbortSignal) => Promise<void>;
  /** Sees every response's headers. */
  onHeaders?: (headers: Headers) => void;
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
  circuit?: CircuitOptions;
  /** Larger responses are refused, so a flooding provider cannot fill memory. */
  maxBodyBytes?: number;
}

/** Far above any real page (a 250-coin CoinGecko page is ~0.3 MB, 1,000 klines ~0.15 MB). */
export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;

/** The body as text, refusing more than `limit` bytes and naming a timeout as such. */
async function readText(
  response: Response,
  limit: number,
  call: string,
  timeoutMs: number,
): Promise<string> {
  const tooLarge = () =>
    new ProviderHttpError(`${call}: the response exceeds ${limit} bytes`, response.status);
  if (Number(response.headers.get('content-length')) > limit) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (!response.body) return '';
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      size += read.value.byteLength;
      if (size > limit) {
        await reader.cancel();
        throw tooLarge();
      }
      chunks.push(read.value);
    }
  } catch (error) {
    if (error instanceof ProviderHttpError) throw error;
    const { name, message } = error as { name?: string; message?: string };
    if (name === 'TimeoutError' || name === 'AbortError') {
      throw Object.assign(
        new ProviderHttpError(`${call}: the response did not finish within ${timeoutMs} ms`),
        { name: 'TimeoutError' },
      );
    }
    throw new ProviderHttpError(`${call}: the response broke off (${message ?? String(error)})`);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

/**
 * Waits `ms`, or rejects with the signal's reason when it aborts first. The abort listener
 * is removed once the wait is over: a run's one signal sees many waits, and listeners left
 * behind piled up on it (MaxListenersExceededWarning after ten retries offline).
 */
export const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
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
  readonly circuit: CircuitBreaker;

  constructor(private readonly options: HttpClientOptions) {
    this.circuit = new CircuitBreaker(
      options.provider,
      options.circuit ?? { failures: 5, openMs: 60_000 },
    );
  }

  /** GETs JSON, through the circuit breaker, with retries. */
  async getJson(
    url: URL,
    headers: Record<string, string>,
    signal: AbortSignal,
    hooks: RequestHooks = {},
  ): Promise<unknown> {
    return (await this.getJsonText(url, headers, signal, hooks)).body;
  }

  /** As getJson, with the response text as received (what a raw payload stores). */
  async getJsonText(
    url: URL,
    headers: Record<string, string>,
    signal: AbortSignal,
    hooks: RequestHooks = {},
  ): Promise<{ body: unknown; text: string }> {
    this.circuit.check();
    try {
      const response = await this.getWithRetries(url, headers, signal, hooks);
      this.circuit.succeeded();
      return response;
    } catch (error) {
      this.circuit.failed();
      throw error;
    }
  }

  private async getWithRetries(
    url: URL,
    headers: Record<string, string>,
    signal: AbortSignal,
    hooks: RequestHooks,
  ): Promise<{ body: unknown; text: string }> {
    const {
      provider,
      timeoutMs = 10_000,
      retries = 3,
      baseDelayMs = 250,
      maxRetryAfterMs = 30_000,
      maxBodyBytes = DEFAULT_MAX_BODY_BYTES,
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
        const text = await readText(response, maxBodyBytes, call, timeoutMs);
        try {
          return { body: JSON.parse(text) as unknown, text };
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
