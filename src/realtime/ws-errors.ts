import { HttpException, Logger } from '@nestjs/common';
import { WsException } from '@nestjs/websockets';
import { AppException } from '../common/errors/app.exception';
import { ErrorCode, codeOfStatus } from '../common/errors/error-code';
import type { ErrorPayload } from './realtime.events';

const logger = new Logger('RealtimeErrors');

/** Any error raised while handling a client message, as the `error` it is answered with. */
export function toErrorPayload(exception: unknown): ErrorPayload {
  if (exception instanceof AppException) {
    return { error: exception.message, code: exception.code };
  }
  if (exception instanceof HttpException) {
    return { error: exception.message, code: codeOfStatus(exception.getStatus()) };
  }
  if (exception instanceof WsException) {
    const error = exception.getError();
    return { error: typeof error === 'string' ? error : 'Bad request', code: ErrorCode.BadRequest };
  }
  logger.error({ err: exception }, 'unexpected error handling a real-time message');
  return { error: 'Internal error', code: ErrorCode.Internal };
}
