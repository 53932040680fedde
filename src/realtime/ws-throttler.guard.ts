import { Injectable, type ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import type { Socket } from 'socket.io';
import { AppException } from '../common/errors/app.exception';
import { ErrorCode } from '../common/errors/error-code';

/** The throttler bucket of real-time client messages (one per connection, all messages). */
export const WS_THROTTLER = 'ws';

export const messageRateError = (limit: number): AppException =>
  new AppException(
    ErrorCode.RateLimited,
    `Too many messages: at most ${limit} per second; this one was dropped`,
  );

/** @nestjs/throttler for Socket.IO messages: counted per socket, whatever the event. */
@Injectable()
export class WsThrottlerGuard extends ThrottlerGuard {
  protected override getRequestResponse(context: ExecutionContext): {
    req: Record<string, unknown>;
    res: Record<string, unknown>;
  } {
    const socket = context.switchToWs().getClient<Socket>();
    return { req: { socketId: socket.id, headers: socket.handshake.headers }, res: {} };
  }

  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    return String(req.socketId);
  }

  protected override generateKey(
    _context: ExecutionContext,
    tracker: string,
    name: string,
  ): string {
    return `${name}:${tracker}`;
  }

  protected override async throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    throw messageRateError(detail.limit);
  }
}
