// The adapter reference of `npm run bench`: the same AppModule on Nest's default Express
// adapter, started as its own process like the service. Bench-only: the service ships on
// Fastify, and this file exists to show what that choice is worth on the same routes.
//
// Everything adapter-agnostic is the service's own: the module graph (global validation pipe,
// problem-details filter, rate-limit guard, cache interceptor), CORS, Swagger and the Socket.IO
// adapter. What differs:
//  - Fastify's hooks (security headers, request id, X-Response-Time, HTTP metrics) become one
//    Express middleware that sets the same headers and observes the same metric on 'finish';
//    X-Response-Time is left out (Express has no hook between the handler and the headers).
//  - The service's guard, interceptor and filter call a few FastifyReply/FastifyRequest members
//    that Express lacks (`reply.headers({...})`, `reply.sent`, `request.routeOptions.url`,
//    `request.id`); the middleware adds them, each a one-line delegation to Express, and sends
//    a cached body (a Buffer) as bytes, as Fastify does.
//  - Fastify's adapter options (body limit, trust proxy, timeouts) and request log lines are
//    not carried over; at the bench's LOG_LEVEL=warn no request lines are written on either.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Logger } from 'nestjs-pino';
import { AppModule } from '../../src/app.module';
import { REQUEST_ID_HEADER, resolveRequestId } from '../../src/common/http/request-id';
import {
  API_SECURITY_HEADERS,
  PAGE_PATH_PREFIXES,
  PAGE_SECURITY_HEADERS,
} from '../../src/common/http/security-headers';
import { setupSwagger } from '../../src/common/http/swagger';
import { loadAppConfig } from '../../src/config/app-config';
import { MetricsService } from '../../src/metrics/metrics.service';
import { RealtimeIoAdapter } from '../../src/realtime/realtime-io.adapter';

type ExpressRequest = IncomingMessage & {
  url: string;
  route?: { path: string };
  id?: string;
  routeOptions?: { url: string | undefined };
};
type ExpressResponse = ServerResponse & {
  set(fields: Record<string, string | number>): ExpressResponse;
  headers?: (fields: Record<string, string | number>) => ExpressResponse;
  sent?: boolean;
  json(body: unknown): ExpressResponse;
  send(body: unknown): ExpressResponse;
};

async function main(): Promise<void> {
  const config = loadAppConfig(process.env);
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config),
    new ExpressAdapter(),
    { bufferLogs: true, abortOnError: false },
  );
  app.useLogger(app.get(Logger));
  const metrics = app.get(MetricsService);
  app.use((request: ExpressRequest, response: ExpressResponse, next: () => void) => {
    const started = performance.now();
    request.id = resolveRequestId(request);
    Object.defineProperty(request, 'routeOptions', {
      get: () => ({ url: request.route?.path }),
    });
    response.headers = (fields) => response.set(fields);
    Object.defineProperty(response, 'sent', { get: () => response.headersSent });
    // A cache hit answers with the stored bytes (a Buffer, content type already set): Fastify
    // sends a Buffer as it is, where Nest's Express adapter would hand it to res.json and send
    // the JSON of the Buffer object (about 3.5 times the bytes, not the answer).
    const json = response.json.bind(response);
    response.json = (body) => (Buffer.isBuffer(body) ? response.send(body) : json(body));
    const isPage = PAGE_PATH_PREFIXES.some((prefix) => request.url.startsWith(prefix));
    response.set({
      ...(isPage ? PAGE_SECURITY_HEADERS : API_SECURITY_HEADERS),
      [REQUEST_ID_HEADER]: request.id,
    });
    response.once('finish', () =>
      metrics.observeHttp(
        request.method ?? 'GET',
        request.route?.path ?? 'unmatched',
        response.statusCode,
        (performance.now() - started) / 1_000,
      ),
    );
    next();
  });
  app.enableCors({
    origin: config.http.corsOrigins === '*' ? '*' : config.http.corsOrigins,
    maxAge: 600,
  });
  setupSwagger(app);
  app.useWebSocketAdapter(new RealtimeIoAdapter(app));
  await app.listen(config.http.port, config.http.host);
  console.log(`listening on ${await app.getUrl()}`);
  const close = () => void app.close().then(() => process.exit(0));
  process.once('SIGTERM', close);
  process.once('SIGINT', close);
}

main().catch((error: unknown) => {
  console.error('Failed to start:', error);
  process.exit(1);
});
