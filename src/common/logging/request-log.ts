import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/** Probes and scrapes: frequent, uninteresting, and they would drown the rest. */
const QUIET_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);

/**
 * Fastify's request log lines, one per answered request (no "incoming request" line), on
 * the request's logger, which carries `requestId`. Server errors log at error, client
 * errors at warn. Headers are not logged, so keys and cookies never are; the URL is logged
 * with credentials in its query redacted (`serializeRequest` in root-logger.ts).
 */
export class RequestLogController extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (QUIET_ROUTES.has(request.routeOptions.url ?? '')) return;
    const status = reply.statusCode;
    const level = error || status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
    request.log[level](
      // Fastify's serializers turn these into {method, url, host, remoteAddress, …} and {statusCode}.
      {
        req: request,
        res: reply,
        responseTime: Math.round(reply.elapsedTime * 10) / 10,
        err: error,
      },
      'request completed',
    );
  }
}
