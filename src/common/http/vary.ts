import type { FastifyReply } from 'fastify';

/**
 * Adds a field to Vary rather than replacing it: CORS puts Origin there on every answer when
 * origins are listed, and a shared cache that lost it could hand one origin's answer to
 * another.
 */
export function addVary(reply: FastifyReply, field: string): void {
  const current = reply.getHeader('vary');
  if (current === undefined) {
    void reply.header('vary', field);
  } else if (!String(current).toLowerCase().includes(field.toLowerCase())) {
    void reply.header('vary', `${String(current)}, ${field}`);
  }
}
