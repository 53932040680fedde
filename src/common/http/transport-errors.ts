// Errors answered before a request reaches routing (so before any hook, guard or filter):
// by the router (a malformed URL, an over-long path parameter) and by Node's HTTP parser
// (headers too large, malformed requests, timeouts). They get the same problem+json,
// security headers and X-Request-Id as every other answer.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { ErrorCode, codeOfStatus } from '../errors/error-code';
import { PROBLEM_CONTENT_TYPE, buildProblem } from '../errors/problem-details';
import { REQUEST_ID_HEADER } from './request-id';
import { API_SECURITY_HEADERS } from './security-headers';

/** The router's errors (Fastify `frameworkErrors`): both are client errors, answered 400. */
export function answerRouterError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
  const malformed = error.code === 'FST_ERR_BAD_URL';
  const status = tooLong || malformed ? 400 : 500;
  const detail = tooLong
    ? 'A path parameter is longer than 100 characters'
    : malformed
      ? 'The URL is malformed (invalid percent-encoding or UTF-8)'
      : 'An unexpected error occurred. Quote the request id when reporting it.';
  const code = tooLong ? ErrorCode.ValidationFailed : codeOfStatus(status);
  void reply
    .status(status)
    .headers(API_SECURITY_HEADERS)
    .header(REQUEST_ID_HEADER, request.id)
    .header('content-type', PROBLEM_CONTENT_TYPE)
    .send(
      buildProblem({
        status,
        code,
        detail,
        instance: request.url.split('?')[0],
        requestId: String(request.id),
        ...(tooLong ? { errors: [{ field: 'path', message: detail }] } : {}),
      }),
    );
}

/** Node's `clientError` (Fastify `clientErrorHandler`): a raw answer on the socket, then close. */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? 431
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 408
        : 400;
  const detail =
    status === 431
      ? 'The request line and headers are larger than the server accepts (16 KiB)'
      : status === 408
        ? 'The request was not received in time'
        : 'The request is not valid HTTP';
  const requestId = randomUUID();
  const body = JSON.stringify(
    buildProblem({ status, code: codeOfStatus(status), detail, instance: '', requestId }),
  );
  const headers = {
    ...API_SECURITY_HEADERS,
    [REQUEST_ID_HEADER]: requestId,
    'content-type': PROBLEM_CONTENT_TYPE,
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
  };
  if (socket.writable) {
    const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${lines.join('\r\n')}\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
