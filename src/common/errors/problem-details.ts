import { STATUS_CODES } from 'node:http';
import type { ErrorCode } from './error-code';
import type { FieldError } from './app.exception';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/** RFC 9457 problem details, with the members docs/architecture.md adds (`error`, `code`, ids). */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  /** Repeats `detail` for clients that read an `error` key. */
  error: string;
  code: ErrorCode;
  timestamp: string;
  requestId: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export function buildProblem(args: {
  status: number;
  code: ErrorCode;
  detail: string;
  instance: string;
  requestId: string;
  errors?: FieldError[];
  extensions?: Record<string, unknown>;
}): ProblemDetails {
  return {
    ...args.extensions,
    // Relative reference (RFC 9457 §3.1.1), documented in the OpenAPI description.
    type: `/problems/${args.code.replace(/_/g, '-')}`,
    title: STATUS_CODES[args.status] ?? 'Error',
    status: args.status,
    detail: args.detail,
    instance: args.instance,
    error: args.detail,
    code: args.code,
    timestamp: new Date().toISOString(),
    requestId: args.requestId,
    ...(args.errors && args.errors.length > 0 ? { errors: args.errors } : {}),
  };
}
