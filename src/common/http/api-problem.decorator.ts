import { applyDecorators } from '@nestjs/common';
import { ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';
import { codeOfStatus } from '../errors/error-code';
import { buildProblem, type ProblemDetails } from '../errors/problem-details';
import { ProblemDetailsDto } from '../errors/problem-details.dto';

/** What a problem of each status typically says, for the documented example. */
const EXAMPLE_DETAILS: Record<number, string> = {
  400: 'Invalid limit: limit must not be greater than 1000',
  401: 'An API key is required: send it in the X-API-Key header',
  403: 'This operation needs a key with role: admin',
  404: "Cryptocurrency with symbol 'XYZ' not found",
  405: 'Method PUT is not allowed on this path; allowed: GET, HEAD, OPTIONS',
  409: 'A sync of coingecko is already running',
  413: 'Request body is too large',
  415: 'Unsupported Media Type: text/plain',
  429: 'Rate limit exceeded',
  502: 'Sync of coingecko failed: the provider answered 500',
  503: 'The database is unavailable; retry shortly',
  504: 'Sync of coingecko failed: the provider did not answer in time',
};

/** A documented example body of a problem with this status (and, optionally, detail). */
export function exampleProblem(status: number, detail?: string): ProblemDetails {
  const text = detail ?? EXAMPLE_DETAILS[status] ?? STATUS_CODES[status] ?? 'Error';
  return buildProblem({
    status,
    code: codeOfStatus(status),
    detail: text,
    instance: '/api/v1/cryptocurrencies/XYZ',
    requestId: '5f0c6f4e-8a0e-4a55-a5b8-1b3d1c8a9f10',
    ...(status === 400 && !detail
      ? { errors: [{ field: 'limit', message: 'limit must not be greater than 1000' }] }
      : {}),
  });
}

/**
 * Declares the error statuses a route answers, each as application/problem+json with an
 * example of its own status: a number, or `[status, detail]` where the route says it better.
 */
export function ApiProblems(
  ...statuses: (number | [number, string])[]
): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((entry) => {
      const [status, detail] = typeof entry === 'number' ? [entry, undefined] : entry;
      return ApiResponse({
        status,
        description: STATUS_CODES[status],
        content: {
          'application/problem+json': {
            schema: { $ref: getSchemaPath(ProblemDetailsDto) },
            example: exampleProblem(status, detail),
          },
        },
      });
    }),
  );
}
