// Sending a case and checking its response against what the document declares.
import Ajv, { type ValidateFunction } from 'ajv';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { type OpenApiDocument, type Operation, type ResponseObject, type Schema } from './document';
import { type FuzzRequest } from './requests';

export interface FuzzResponse {
  status: number;
  contentType: string;
  headers: IncomingHttpHeaders;
  text: string;
}

/** The header's (first) value. */
export function headerOf(response: FuzzResponse, name: string): string | undefined {
  const value = response.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Sends the request as is: node:http, not fetch, because fetch's URL parser would resolve
 * `%2e%2e` segments and re-encode what we generated, sending another request than the case.
 */
export function send(baseUrl: string, request: FuzzRequest): Promise<FuzzResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        hostname,
        port,
        method: request.method,
        path: request.url,
        headers: {
          ...request.headers,
          ...(request.body === undefined
            ? {}
            : { 'content-length': Buffer.byteLength(request.body) }),
        },
        timeout: 15_000,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            contentType: (response.headers['content-type'] ?? '')
              .split(';')[0]
              .trim()
              .toLowerCase(),
            headers: response.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error('no answer within 15 s')));
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}

/**
 * OpenAPI 3.0 schema objects as JSON Schema for Ajv: `nullable` becomes a null type, refs
 * point into the registered components, and objects are closed (a response field the
 * document does not declare is a mismatch) unless listed in `open`.
 */
function toJsonSchema(schema: unknown, open: ReadonlySet<string>, name?: string): unknown {
  if (Array.isArray(schema)) return schema.map((s) => toJsonSchema(s, open));
  if (!schema || typeof schema !== 'object') return schema;
  const source = schema as Schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(source)) {
    if (key === 'nullable' || key === 'example') continue;
    if (key === '$ref' && typeof value === 'string') out.$ref = `openapi${value}`;
    else if (key === 'properties' && value && typeof value === 'object') {
      out.properties = Object.fromEntries(
        Object.entries(value as Schema).map(([k, v]) => [k, toJsonSchema(v, open)]),
      );
    } else out[key] = toJsonSchema(value, open);
  }
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined) {
    if (!name || !open.has(name)) out.additionalProperties = false;
  }
  if (source.nullable !== true) return out;
  if (Array.isArray(out.enum)) out.enum = [...(out.enum as unknown[]), null];
  if (typeof out.type === 'string') return { ...out, type: [out.type, 'null'] };
  return { anyOf: [out, { type: 'null' }] };
}

const JSON_MEDIA = /^application\/(.+\+)?json$/;
const PROBLEM_MEDIA = 'application/problem+json';

export interface CheckerOptions {
  /** Statuses any operation may answer, documented once for the whole API. */
  globalStatuses: readonly number[];
  /** Component schemas that may carry members the document does not list. */
  openSchemas: readonly string[];
}

/** Whether a response is an error body the operation declares other than a problem document. */
function declaresOtherError(spec: ResponseObject | undefined, response: FuzzResponse): boolean {
  return (
    response.contentType !== PROBLEM_MEDIA && spec?.content?.[response.contentType] !== undefined
  );
}

/** Checks responses against the document. Returns what is wrong (empty when all is well). */
export class ResponseChecker {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(
    private readonly doc: OpenApiDocument,
    private readonly options: CheckerOptions,
  ) {
    const open = new Set(options.openSchemas);
    const schemas = Object.fromEntries(
      Object.entries(doc.components.schemas).map(([name, s]) => [
        name,
        toJsonSchema(s, open, name),
      ]),
    );
    this.ajv.addSchema({ $id: 'openapi', components: { schemas } });
  }

  violations(op: Operation, request: FuzzRequest, response: FuzzResponse): string[] {
    const found: string[] = [];
    const { status } = response;
    if (!headerOf(response, 'x-request-id')) found.push('no X-Request-Id header');
    // 5xx only as documented (a provider failing a sync is a 502); never a 500.
    if (status === 500) found.push('server error 500');
    if (request.swapped && request.method === 'OPTIONS') {
      if (status !== 204) found.push(`OPTIONS answered ${status}, not 204`);
      return found;
    }
    if (request.swapped) {
      // The path exists under the documented method: 405 naming it in Allow.
      if (status !== 405) found.push(`method swap answered ${status}, not 405`);
      else if (!headerOf(response, 'allow')?.includes(op.method.toUpperCase()))
        found.push(`405 without ${op.method.toUpperCase()} in Allow`);
      found.push(...this.problem(response, op.spec.responses.default));
      return found;
    }
    const declared = Object.keys(op.spec.responses).filter((s) => s !== 'default');
    if (!declared.includes(String(status)) && !this.options.globalStatuses.includes(status)) {
      found.push(`status ${status} is not declared (declared: ${declared.join(', ')})`);
    }
    if (status === 304) {
      if (response.text !== '') found.push('304 with a body');
      return found;
    }
    const spec =
      op.spec.responses[String(status)] ?? (status >= 400 ? op.spec.responses.default : undefined);
    // An error is a problem document (as its status or the default declares it), or another
    // body the operation declares for it (the CoinGecko-compatible surface answers in
    // CoinGecko's error body; errors met before routing stay problem documents).
    if (status >= 400 && !declaresOtherError(spec, response)) {
      const problemSpec = spec?.content?.[PROBLEM_MEDIA] ? spec : op.spec.responses.default;
      if (problemSpec?.content?.[PROBLEM_MEDIA])
        return [...found, ...this.problem(response, problemSpec)];
    }
    found.push(...this.body(response, spec));
    return found;
  }

  private problem(response: FuzzResponse, spec: ResponseObject | undefined): string[] {
    if (response.contentType !== PROBLEM_MEDIA) {
      return [
        `error ${response.status} is ${response.contentType || 'untyped'}, not ${PROBLEM_MEDIA}`,
      ];
    }
    const found = this.body(response, spec);
    const body = parseJson(response.text) as { status?: unknown; requestId?: unknown } | undefined;
    if (body?.status !== response.status)
      found.push(`problem status ${String(body?.status)} ≠ ${response.status}`);
    if (body?.requestId !== headerOf(response, 'x-request-id'))
      found.push('problem requestId ≠ X-Request-Id');
    return found;
  }

  private body(response: FuzzResponse, spec: ResponseObject | undefined): string[] {
    const content = spec?.content;
    if (!content)
      return response.text === ''
        ? []
        : [`${response.status} has a body the document does not declare`];
    const media = content[response.contentType];
    if (!media) {
      return [
        `content-type ${response.contentType || '(none)'} is not declared (declared: ${Object.keys(content).join(', ')})`,
      ];
    }
    if (!JSON_MEDIA.test(response.contentType) || !media.schema) return [];
    const body = parseJson(response.text);
    if (body === undefined) return [`${response.contentType} body is not JSON`];
    const validate = this.validator(media.schema);
    if (validate(body)) return [];
    return (validate.errors ?? [])
      .slice(0, 5)
      .map((e) => `body${e.instancePath} ${e.message ?? 'invalid'} ${JSON.stringify(e.params)}`);
  }

  private validator(schema: Schema): ValidateFunction {
    const key = JSON.stringify(schema);
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(toJsonSchema(schema, new Set()) as Schema);
      this.validators.set(key, validate);
    }
    return validate;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** One line per request, for failure reports: method, URL, headers and a body excerpt. */
export function describeRequest(request: FuzzRequest): string {
  const body =
    request.body === undefined
      ? ''
      : ` body(${request.body.length})=${JSON.stringify(request.body.slice(0, 120))}`;
  const url =
    request.url.length > 300 ? `${request.url.slice(0, 300)}…(${request.url.length})` : request.url;
  const headers = Object.entries(request.headers).map(
    ([k, v]) => `${k}: ${v.length > 60 ? `${v.slice(0, 60)}…(${v.length})` : v}`,
  );
  return `${request.method} ${url} [${headers.join('; ')}]${body}`;
}
