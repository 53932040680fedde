import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Socket } from 'socket.io';
import type { SubscriptionAck } from './realtime.events';
import { toErrorPayload } from './ws-errors';

/**
 * Every failed client message (invalid payload, unknown symbol, limit, throttling) is
 * answered on that socket only: an `error` event, and the acknowledgement when the client
 * asked for one. The connection stays open.
 */
@Catch()
export class WsExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const socket = host.switchToWs().getClient<Socket>();
    const payload = toErrorPayload(exception);
    socket.emit('error', payload);
    const ack: unknown = host.getArgByIndex(2);
    if (typeof ack === 'function') {
      (ack as (response: SubscriptionAck) => void)({ success: false, ...payload });
    }
  }
}
