import {
  Catch,
  HttpException,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppException, type FieldError } from '../errors/app.exception';
import { ErrorCode, codeOfStatus } from '../errors/error-code';
import { PROBLEM_CONTENT_TYPE, buildProblem } from '../errors/problem-details';
import { redactUrl } from '../logging/redact-url';
import { isDatabaseUnavailable } from '../../database/database-errors';

export interface Resolved {
  status: number;
  code: ErrorCode;
  detail: string;
  errors?: FieldError[];
  headers?: Record<string, string>;
  extensions?: Record<string, unknown>;
}

const GENERIC_500 = 'An unexpected error occurred. Quote the request id when reporting it.';
/** Seconds a client should wait before retrying while the database is away. */
const DATABASE_RETRY_AFTER_SECONDS = 5;

/** Fastify's own errors (body parsing, payload size, media type) carry a 4xx `statusCode`. */
function isClientHttpError(error: unknown): error is Error & { statusCode: number } {
  if (!(error instanceof Error)) return false;
  const statusCode = (error as Error & { statusCode?: unknown }).statusCode;
  return typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500;
}

function messageOf(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  if (typeof message === 'string') return message;
  return exception.message;
}

export function resolveException(exception: unknown): Resolved {
  if (exception instanceof AppException) {
    return {
      status: exception.status,
      code: exception.code,
      detail: exception.message,
      errors: exception.options.errors,
      headers: exception.options.headers,
      extensions: exception.options.extensions,
    };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    return {
      status,
      code: codeOfStatus(status),
      detail: status >= 500 ? GENERIC_500 : messageOf(exception),
    };
  }
  if (isClientHttpError(exception)) {
    return {
      status: exception.statusCode,
      code: codeOfStatus(exception.statusCode),
      detail: exception.message,
    };
  }
  if (isDatabaseUnavailable(exception)) {
    return {
      status: 503,
      code: ErrorCode.ServiceUnavailable,
      detail: 'The database is unavailable; retry shortly',
      headers: { 'retry-after': String(DATABASE_RETRY_AFTER_SECONDS) },
    };
  }
  return { status: 500, code: ErrorCode.Internal, detail: GENERIC_500 };
}

/**
 * The one place where errors become HTTP responses: every non-2xx body is
 * application/problem+json. Unexpected errors are logged with their stack and the
 * request id, and answered with a generic message.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemDetailsFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const resolved = resolveException(exception);

    const url = redactUrl(request.url);
    if (resolved.code === ErrorCode.ServiceUnavailable) {
      // An outage, not a bug: no stack, and /health says the same thing.
      this.logger.warn(`${request.method} ${url}: ${resolved.detail}`);
    } else if (resolved.status >= 500) {
      this.logger.error(
        { err: exception, requestId: request.id, path: url },
        `${request.method} ${url} failed`,
      );
    }

    if (reply.sent) return;
    this.send(request, reply, resolved);
  }

  /** Writes the error answer: a problem document here; surfaces with their own dialect override it. */
  protected send(request: FastifyRequest, reply: FastifyReply, resolved: Resolved): void {
    const body = buildProblem({
      status: resolved.status,
      code: resolved.code,
      detail: resolved.detail,
      instance: request.url.split('?')[0],
      requestId: String(request.id),
      errors: resolved.errors,
      extensions: resolved.extensions,
    });
    void reply
      .status(resolved.status)
      .headers(resolved.headers ?? {})
      .header('content-type', PROBLEM_CONTENT_TYPE)
      .send(body);
  }
}
