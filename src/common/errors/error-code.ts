import { HttpStatus } from '@nestjs/common';

/** Every error the API can answer with. Each code maps to exactly one HTTP status. */
export enum ErrorCode {
  ValidationFailed = 'validation_failed',
  BadRequest = 'bad_request',
  /** A per-client allowance (e.g. symbols per real-time connection) would be exceeded. */
  LimitExceeded = 'limit_exceeded',
  Unauthorized = 'unauthorized',
  Forbidden = 'forbidden',
  NotFound = 'not_found',
  MethodNotAllowed = 'method_not_allowed',
  Conflict = 'conflict',
  PayloadTooLarge = 'payload_too_large',
  UnsupportedMediaType = 'unsupported_media_type',
  RateLimited = 'rate_limited',
  /** The request line and headers exceed the server's limit (answered before routing). */
  HeadersTooLarge = 'headers_too_large',
  /** The client did not send a whole request in time (answered before routing). */
  RequestTimeout = 'request_timeout',
  UpstreamError = 'upstream_error',
  UpstreamTimeout = 'upstream_timeout',
  ServiceUnavailable = 'service_unavailable',
  Internal = 'internal_error',
}

export function statusOf(code: ErrorCode): number {
  switch (code) {
    case ErrorCode.ValidationFailed:
    case ErrorCode.BadRequest:
    case ErrorCode.LimitExceeded:
      return HttpStatus.BAD_REQUEST;
    case ErrorCode.Unauthorized:
      return HttpStatus.UNAUTHORIZED;
    case ErrorCode.Forbidden:
      return HttpStatus.FORBIDDEN;
    case ErrorCode.NotFound:
      return HttpStatus.NOT_FOUND;
    case ErrorCode.MethodNotAllowed:
      return HttpStatus.METHOD_NOT_ALLOWED;
    case ErrorCode.Conflict:
      return HttpStatus.CONFLICT;
    case ErrorCode.PayloadTooLarge:
      return HttpStatus.PAYLOAD_TOO_LARGE;
    case ErrorCode.UnsupportedMediaType:
      return HttpStatus.UNSUPPORTED_MEDIA_TYPE;
    case ErrorCode.RateLimited:
      return HttpStatus.TOO_MANY_REQUESTS;
    case ErrorCode.HeadersTooLarge:
      return 431; // Request Header Fields Too Large (not in HttpStatus)
    case ErrorCode.RequestTimeout:
      return HttpStatus.REQUEST_TIMEOUT;
    case ErrorCode.UpstreamError:
      return HttpStatus.BAD_GATEWAY;
    case ErrorCode.UpstreamTimeout:
      return HttpStatus.GATEWAY_TIMEOUT;
    case ErrorCode.ServiceUnavailable:
      return HttpStatus.SERVICE_UNAVAILABLE;
    case ErrorCode.Internal:
      return HttpStatus.INTERNAL_SERVER_ERROR;
  }
}

/** The code for a bare HTTP status, for errors raised by Nest, Fastify or libraries. */
export function codeOfStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
      return ErrorCode.BadRequest;
    case 401:
      return ErrorCode.Unauthorized;
    case 403:
      return ErrorCode.Forbidden;
    case 404:
      return ErrorCode.NotFound;
    case 405:
      return ErrorCode.MethodNotAllowed;
    case 408:
      return ErrorCode.RequestTimeout;
    case 409:
      return ErrorCode.Conflict;
    case 413:
      return ErrorCode.PayloadTooLarge;
    case 415:
      return ErrorCode.UnsupportedMediaType;
    case 429:
      return ErrorCode.RateLimited;
    case 431:
      return ErrorCode.HeadersTooLarge;
    case 502:
      return ErrorCode.UpstreamError;
    case 503:
      return ErrorCode.ServiceUnavailable;
    case 504:
      return ErrorCode.UpstreamTimeout;
    default:
      return status >= 500 ? ErrorCode.Internal : ErrorCode.BadRequest;
  }
}
