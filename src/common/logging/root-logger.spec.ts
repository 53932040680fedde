import type { FastifyRequest } from 'fastify';
import pino from 'pino';
import { Writable } from 'node:stream';
import { loadAppConfig } from '../../config/app-config';
import { rootLoggerOptions } from './root-logger';

/** The root logger's options over a destination that keeps the JSON lines. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const sut = pino(rootLoggerOptions(loadAppConfig({ LOG_LEVEL: 'info' })), destination);
  return { sut, lines };
}

describe(rootLoggerOptions.name, () => {
  it('redacts credentials in a request line’s URL', () => {
    const { sut, lines } = capturingLogger();
    const request = {
      method: 'GET',
      url: '/ws/prices/BTC?api_key=secret-1&candles=1',
      host: 'h',
      ip: '127.0.0.1',
      socket: { remotePort: 1 },
    } as unknown as FastifyRequest;

    sut.info({ req: request }, 'request completed');

    expect(lines[0].req).toEqual({
      method: 'GET',
      url: '/ws/prices/BTC?api_key=[REDACTED]&candles=1',
      host: 'h',
      remoteAddress: '127.0.0.1',
      remotePort: 1,
    });
  });

  it('redacts credentials in messages and in error messages and stacks', () => {
    const { sut, lines } = capturingLogger();

    sut.warn('GET /api/v1/cryptocurrencies?token=secret-2: the database is unavailable');
    sut.error({ err: new Error('connect to postgres://app:secret-3@db/market failed') }, 'boom');

    const text = JSON.stringify(lines);
    expect(text).not.toMatch(/secret-[23]/);
    expect(lines[0].msg).toBe(
      'GET /api/v1/cryptocurrencies?token=[REDACTED]: the database is unavailable',
    );
    expect((lines[1].err as { message: string }).message).toBe(
      'connect to postgres://app:[REDACTED]@db/market failed',
    );
    expect((lines[1].err as { stack: string }).stack).toContain('postgres://app:[REDACTED]@db');
  });
});
