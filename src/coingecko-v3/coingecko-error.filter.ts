import { Catch, applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ProblemDetailsFilter, type Resolved } from '../common/filters/problem-details.filter';

export class CoinGeckoErrorStatusDto {
  @ApiProperty({ example: 429 })
  error_code!: number;

  @ApiProperty({ example: 'Rate limit exceeded' })
  error_message!: string;
}

/**
 * CoinGecko's error bodies (docs.coingecko.com, "Common Errors & Rate Limit"): `{"error": …}`
 * for a bad request or an unknown coin, `{"status": {"error_code", "error_message"}}` for keys
 * and limits.
 */
export class CoinGeckoErrorDto {
  @ApiPropertyOptional({ example: 'coin not found' })
  error?: string;

  @ApiPropertyOptional({ type: CoinGeckoErrorStatusDto })
  status?: CoinGeckoErrorStatusDto;
}

/** Statuses CoinGecko answers in its `status` envelope. */
const STATUS_ENVELOPE = new Set([401, 403, 429]);

export function coinGeckoErrorBody(status: number, message: string): CoinGeckoErrorDto {
  return STATUS_ENVELOPE.has(status)
    ? { status: { error_code: status, error_message: message } }
    : { error: message };
}

/**
 * The v3 surface's errors: the same statuses, headers and X-Request-Id as everywhere (and
 * the same logging), in CoinGecko's body instead of a problem document.
 */
@Catch()
export class CoinGeckoErrorFilter extends ProblemDetailsFilter {
  protected override send(_request: FastifyRequest, reply: FastifyReply, resolved: Resolved): void {
    const detail = resolved.errors?.length
      ? resolved.errors.map((e) => e.message).join('; ')
      : resolved.detail;
    void reply
      .status(resolved.status)
      .headers(resolved.headers ?? {})
      .header('content-type', 'application/json; charset=utf-8')
      .send(coinGeckoErrorBody(resolved.status, detail));
  }
}

/** Declares a v3 route's error statuses with CoinGecko's body. */
export function ApiCoinGeckoErrors(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: 'Error, in CoinGecko’s body',
        content: {
          'application/json': {
            schema: { $ref: getSchemaPath(CoinGeckoErrorDto) },
            example: coinGeckoErrorBody(
              status,
              status === 404 ? 'coin not found' : 'invalid vs_currency',
            ),
          },
        },
      }),
    ),
  );
}
