import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';

/** Ids a client may choose: short, printable, safe in logs and headers. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Fastify's `genReqId`: keep a sane incoming X-Request-Id (so ids follow a request across
 * services), otherwise mint a UUID. The id is also put on the raw request, where pino-http
 * picks it up, so every log line of the request carries the same id.
 */
export function resolveRequestId(raw: IncomingMessage): string {
  const incoming = raw.headers[REQUEST_ID_HEADER];
  const candidate = Array.isArray(incoming) ? incoming[0] : incoming;
  const id = candidate && SANE_REQUEST_ID.test(candidate) ? candidate : randomUUID();
  (raw as IncomingMessage & { id?: string }).id = id;
  return id;
}
