// File uploads (CSV, gzip, raw bytes) for the few routes that import files: parsed as a Buffer
// under their own size limit. Every other route keeps "bodies are JSON": such a body there is a
// 415, as before.
import type { FastifyInstance } from 'fastify';

export const FILE_CONTENT_TYPES = ['text/csv', 'application/gzip', 'application/octet-stream'];

/** Routes (paths, without query) that accept a file body. */
export const FILE_BODY_PATHS = new Set(['/api/v1/cryptocurrencies/sync/candles']);

export function registerFileBodies(fastify: FastifyInstance, limitBytes: number): void {
  fastify.addContentTypeParser(
    FILE_CONTENT_TYPES,
    { parseAs: 'buffer', bodyLimit: limitBytes },
    (request, body, done) => {
      const path = request.url.split('?')[0].replace(/\/$/, '');
      if (FILE_BODY_PATHS.has(path)) return done(null, body);
      const type = String(request.headers['content-type']).split(';')[0];
      done(
        Object.assign(new Error(`Unsupported Media Type: ${type}`), {
          statusCode: 415,
          code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
        }),
      );
    },
  );
}
