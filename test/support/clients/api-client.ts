// The typed test clients' base: one place that builds URLs, sends, and reads answers.
// Suites talk to resources (MarketClient, IngestionClient, …), never to `fetch` and a URL.

export type Query = Record<string, string | number | boolean | readonly string[] | undefined>;

export interface RequestOptions {
  query?: Query;
  headers?: Record<string, string>;
  /** A JSON body (objects) or a raw one (strings, bytes). */
  body?: unknown;
  /** Ends the request after this many milliseconds. */
  timeoutMs?: number;
  /** `manual` answers a redirect itself instead of following it. */
  redirect?: 'follow' | 'manual' | 'error';
}

/** An answer: the status, the headers, the body parsed as JSON when it is JSON, else its text. */
export interface Answer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
  response: Response;
}

export const PROBLEM_JSON = /^application\/problem\+json/;

export function queryString(query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) params.set(name, value.join(','));
    else params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export class ApiClient {
  /** `baseUrl` may be a function for suites whose app starts after the client is made. */
  constructor(
    private readonly baseUrl: string | (() => string),
    private readonly defaults: Record<string, string> = {},
  ) {}

  /** The same client sending these headers on every request (an API key, say). */
  with(headers: Record<string, string>): ApiClient {
    return new ApiClient(this.baseUrl, { ...this.defaults, ...headers });
  }

  url(path: string, query?: Query): string {
    const base = typeof this.baseUrl === 'function' ? this.baseUrl() : this.baseUrl;
    return `${base}${path}${queryString(query)}`;
  }

  /** The raw response, for suites that read streams, encodings or status alone. */
  send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { ...this.defaults, ...options.headers };
    let body: string | Uint8Array | undefined;
    if (typeof options.body === 'string' || options.body instanceof Uint8Array) {
      body = options.body;
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    return fetch(this.url(path, options.query), {
      method,
      headers,
      body,
      signal: options.timeoutMs ? AbortSignal.timeout(options.timeoutMs) : undefined,
      redirect: options.redirect,
    });
  }

  async request<T = unknown>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<Answer<T>> {
    const response = await this.send(method, path, options);
    const text = await response.text();
    const json = /json/.test(response.headers.get('content-type') ?? '') && text !== '';
    return {
      status: response.status,
      headers: response.headers,
      body: (json ? JSON.parse(text) : text) as T,
      text,
      response,
    };
  }

  get<T = unknown>(path: string, options?: RequestOptions): Promise<Answer<T>> {
    return this.request<T>('GET', path, options);
  }

  post<T = unknown>(path: string, options?: RequestOptions): Promise<Answer<T>> {
    return this.request<T>('POST', path, options);
  }

  delete<T = unknown>(path: string, options?: RequestOptions): Promise<Answer<T>> {
    return this.request<T>('DELETE', path, options);
  }
}

/**
 * Expects an answer to be a problem document with this status (and, given `field`, an error
 * naming that field); returns its body.
 */
export function expectProblem<T extends Answer>(
  answer: T,
  status: number,
  field?: string,
): Problem {
  expect({ status: answer.status, type: answer.headers.get('content-type') }).toEqual({
    status,
    type: expect.stringMatching(PROBLEM_JSON),
  });
  const problem = answer.body as Problem;
  if (field) expect(problem.errors?.map((e) => e.field)).toContain(field);
  return problem;
}

/** A query written as text (`'limit=2&order=asc'`), for tables of cases, as a Query. */
export function parseQuery(text: string): Query {
  return Object.fromEntries(new URLSearchParams(text));
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  request_id?: string;
  errors?: { field: string; message: string }[];
  [extension: string]: unknown;
}
