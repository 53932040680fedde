import { QueryFailedError } from 'typeorm';
import {
  BadRequestException,
  HttpException,
  NotFoundException,
  type ArgumentsHost,
} from '@nestjs/common';
import { AppException } from '../errors/app.exception';
import { ErrorCode } from '../errors/error-code';
import { ProblemDetailsFilter, resolveException } from './problem-details.filter';

function fakeHttpHost(request: { url: string; method?: string; id?: string }) {
  const reply = {
    sent: false,
    statusCode: 0,
    headersSent: {} as Record<string, string>,
    body: undefined as unknown,
    status(code: number) {
      this.statusCode = code;
      return this;
    },
    headers(values: Record<string, string>) {
      Object.assign(this.headersSent, values);
      return this;
    },
    header(name: string, value: string) {
      this.headersSent[name] = value;
      return this;
    },
    send(body: unknown) {
      this.body = body;
      return this;
    },
  };
  const host = {
    getType: () => 'http',
    switchToHttp: () => ({
      getRequest: () => ({ method: 'GET', id: 'req-1', ...request }),
      getResponse: () => reply,
    }),
  } as unknown as ArgumentsHost;
  return { host, reply };
}

describe(ProblemDetailsFilter.name, () => {
  const sut = new ProblemDetailsFilter();

  it('writes an RFC 9457 body with the request id and problem content type', () => {
    const { host, reply } = fakeHttpHost({ url: '/api/v1/cryptocurrencies/XYZ?x=1' });

    sut.catch(AppException.notFound("Cryptocurrency with symbol 'XYZ' not found"), host);

    expect(reply.statusCode).toBe(404);
    expect(reply.headersSent['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(reply.body).toEqual({
      type: '/problems/not-found',
      title: 'Not Found',
      status: 404,
      detail: "Cryptocurrency with symbol 'XYZ' not found",
      error: "Cryptocurrency with symbol 'XYZ' not found",
      instance: '/api/v1/cryptocurrencies/XYZ',
      code: ErrorCode.NotFound,
      timestamp: expect.any(String),
      requestId: 'req-1',
    });
  });

  it('keeps field errors, extra headers and extensions of domain errors', () => {
    const { host, reply } = fakeHttpHost({ url: '/x' });
    const error = new AppException(ErrorCode.RateLimited, 'Rate limit exceeded', {
      headers: { 'Retry-After': '7' },
      extensions: { retry_after: 7 },
    });

    sut.catch(error, host);

    expect(reply.statusCode).toBe(429);
    expect(reply.headersSent['Retry-After']).toBe('7');
    expect(reply.body).toMatchObject({ retry_after: 7, status: 429, code: 'rate_limited' });
  });

  it('does not let an extension overwrite the standard members', () => {
    const { host, reply } = fakeHttpHost({ url: '/x' });

    sut.catch(
      new AppException(ErrorCode.Conflict, 'busy', {
        extensions: { status: 'nope', requestId: 'forged' },
      }),
      host,
    );

    expect(reply.body).toMatchObject({ status: 409, requestId: 'req-1' });
  });
});

describe(resolveException.name, () => {
  it('maps validation errors with their fields', () => {
    const resolved = resolveException(
      AppException.validation([{ field: 'limit', message: 'too big' }]),
    );

    expect(resolved).toMatchObject({
      status: 400,
      code: ErrorCode.ValidationFailed,
      detail: 'Invalid limit: too big',
      errors: [{ field: 'limit', message: 'too big' }],
    });
  });

  it.each([
    [new NotFoundException('Cannot GET /nope'), 404, ErrorCode.NotFound, 'Cannot GET /nope'],
    [
      new BadRequestException(['a is bad', 'b is bad']),
      400,
      ErrorCode.BadRequest,
      'a is bad; b is bad',
    ],
    [new HttpException('teapot', 418), 418, ErrorCode.BadRequest, 'teapot'],
  ])('maps Nest HTTP exceptions (%s)', (exception, status, code, detail) => {
    expect(resolveException(exception)).toMatchObject({ status, code, detail });
  });

  it('maps Fastify client errors by their status code', () => {
    const tooLarge = Object.assign(new Error('Request body is too large'), {
      statusCode: 413,
      code: 'FST_ERR_CTP_BODY_TOO_LARGE',
    });

    expect(resolveException(tooLarge)).toMatchObject({
      status: 413,
      code: ErrorCode.PayloadTooLarge,
    });
  });

  it('answers a database outage with 503 and Retry-After, without its details', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), {
      code: 'ECONNREFUSED',
    });
    const resolved = resolveException(new QueryFailedError('SELECT secret', [], refused));

    expect(resolved).toMatchObject({
      status: 503,
      code: ErrorCode.ServiceUnavailable,
      headers: { 'retry-after': '5' },
    });
    expect(resolved.detail).not.toMatch(/10\.0\.0\.5|ECONNREFUSED|secret/);
  });

  it.each([
    new Error('connect ECONNREFUSED 10.0.0.5:5432 password=hunter2'),
    new HttpException('internal detail', 500),
    Object.assign(new Error('upstream said no'), { statusCode: 502 }),
    'a thrown string',
    undefined,
  ])('answers anything unexpected with a generic 500 (%s)', (exception) => {
    const resolved = resolveException(exception);

    expect(resolved.status).toBe(500);
    expect(resolved.code).toBe(ErrorCode.Internal);
    expect(resolved.detail).not.toMatch(/hunter2|ECONNREFUSED|internal detail|upstream/);
  });
});
