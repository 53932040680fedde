// A server for sentiment.bench.ts to load, run in its own process so it gets a core of its own:
// `bare` is plain Fastify calling the classifier, `bare-nest` the same handler as the only
// controller of an empty Nest app (no guard, pipe, hook or logger: what Nest itself costs),
// `nest` is the real application. It listens on 127.0.0.1 at a free port, sends the
// endpoint's URL to the parent, and exits when the parent says so or goes away.
import 'reflect-metadata';
import { BadRequestException, Body, Controller, HttpCode, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import Fastify from 'fastify';
import { createApp } from '../src/app.setup';
import { loadAppConfig } from '../src/config/app-config';
import {
  loadSentimentClassifier,
  SentimentClassifier,
} from '../src/sentiment/sentiment-classifier';

export type BenchTarget = 'bare' | 'bare-nest' | 'nest';
const ROUTE = '/api/v1/sentiment/analyze';

async function startBare(): Promise<{ url: string; close: () => Promise<void> }> {
  const analyzer = loadSentimentClassifier();
  const app = Fastify({ logger: false });
  app.post(ROUTE, async (request, reply) => {
    const text = (request.body as { text?: unknown } | null)?.text;
    if (typeof text !== 'string' || text.trim() === '' || text.length > 5_000) {
      return reply.code(400).send({ error: 'text must be a non-blank string' });
    }
    return analyzer.analyze(text);
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: () => app.close() };
}

async function startBareNest(): Promise<{ url: string; close: () => Promise<void> }> {
  const analyzer = loadSentimentClassifier();
  @Controller()
  class AnalyzeController {
    @Post(ROUTE)
    @HttpCode(200)
    analyze(@Body() body: { text?: unknown } | null): ReturnType<SentimentClassifier['analyze']> {
      const text = body?.text;
      if (typeof text !== 'string' || text.trim() === '' || text.length > 5_000) {
        throw new BadRequestException('text must be a non-blank string');
      }
      return analyzer.analyze(text);
    }
  }
  @Module({ controllers: [AnalyzeController] })
  class BareModule {}
  const app = await NestFactory.create<NestFastifyApplication>(BareModule, new FastifyAdapter(), {
    logger: false,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { url: (await app.getUrl()).replace('[::1]', '127.0.0.1'), close: () => app.close() };
}

async function startNest(): Promise<{ url: string; close: () => Promise<void> }> {
  // Production settings (JSON logs at info, helmet, CORS, metrics, validation), embedded
  // in-memory database, nothing read from the caller's environment.
  const config = loadAppConfig({
    NODE_ENV: 'production',
    CORS_ORIGINS: 'http://127.0.0.1',
    LOG_LEVEL: 'info',
    PGLITE_DATA_DIR: 'memory://',
    SYNC_ON_STARTUP: 'false',
    // The limiter runs on every request (its cost is measured) but never refuses.
    RATE_LIMIT_PER_MINUTE: '1000000000',
  });
  const app = await createApp(config);
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { url: (await app.getUrl()).replace('[::1]', '127.0.0.1'), close: () => app.close() };
}

async function main(): Promise<void> {
  const target = process.argv[2] as BenchTarget;
  const server =
    target === 'nest'
      ? await startNest()
      : target === 'bare-nest'
        ? await startBareNest()
        : await startBare();
  const stop = (): void => {
    void server.close().finally(() => process.exit(0));
  };
  process.on('message', (message) => {
    if (message === 'stop') stop();
  });
  process.on('disconnect', stop);
  process.send?.({ url: `${server.url}${ROUTE}` });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
