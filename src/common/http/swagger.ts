import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { APP_DESCRIPTION, APP_NAME, APP_VERSION } from '../../app.info';
import { ProblemDetailsDto } from '../errors/problem-details.dto';
import { PROBLEM_CONTENT_TYPE } from '../errors/problem-details';

const DESCRIPTION = `${APP_DESCRIPTION}.

Field names follow the CoinGecko \`/coins/markets\` vocabulary (\`current_price\`, \`market_cap\`, …).

**Errors.** Every non-2xx response (except the health documents) is RFC 9457
\`application/problem+json\`: \`{type, title, status, detail, instance, error, code, timestamp,
requestId}\`, plus \`errors[]\` (\`field\`, \`message\`) on validation failures. \`type\` is a relative
reference \`/problems/<code>\`. Every response carries \`X-Request-Id\` (send your own to correlate).

**Rate limits.** Every route but \`/health*\` and \`/metrics\` counts against a per-client limit
(the API key sent in \`X-API-Key\`, else the address): \`X-RateLimit-Limit\`, \`X-RateLimit-Remaining\`,
\`X-RateLimit-Reset\` and the IETF \`RateLimit-Policy\` / \`RateLimit\` fields on each response; over the
limit, 429 with \`Retry-After\` and \`retry_after\`. Admin sync has a second, lower limit (\`-sync\`).

**Before routing.** Any operation may also answer, as problem details, 431 when the request line
and headers exceed 16 KiB, 408 when a request is not received in time, and 400 for a malformed
URL or a path parameter over 100 characters.`;

const COINGECKO_TAG = 'coingecko-compatible';

/** Every operation may answer with a problem document; declared once here, not per route. */
function declareProblemResponses(document: OpenAPIObject): void {
  const problem = {
    description: 'Error (RFC 9457 problem details)',
    content: {
      [PROBLEM_CONTENT_TYPE.split(';')[0]]: {
        schema: { $ref: '#/components/schemas/ProblemDetailsDto' },
      },
    },
  };
  for (const pathItem of Object.values(document.paths)) {
    for (const operation of [
      pathItem.get,
      pathItem.post,
      pathItem.put,
      pathItem.patch,
      pathItem.delete,
    ]) {
      if (!operation) continue;
      // The CoinGecko-compatible surface answers its errors in CoinGecko's body.
      const ownErrors: Record<string, { schema: { $ref: string } }> = operation.tags?.includes(
        COINGECKO_TAG,
      )
        ? { 'application/json': { schema: { $ref: '#/components/schemas/CoinGeckoErrorDto' } } }
        : {};
      operation.responses = {
        ...operation.responses,
        default: { ...problem, content: { ...problem.content, ...ownErrors } },
      };
    }
  }
}

export function setupSwagger(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle(APP_NAME)
    .setDescription(DESCRIPTION)
    .setVersion(APP_VERSION)
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'api-key')
    .addTag('cryptocurrencies', 'Assets: listing, filters, tops, details')
    .addTag('price-history', 'Snapshots, OHLCV candles, latest price, indicators')
    .addTag('ingestion', 'Ingestion runs and statistics')
    .addTag('admin', 'API keys: issue, list and revoke (admin key)')
    .addTag('health', 'Liveness, readiness and per-dependency health')
    .addTag('metrics', 'Prometheus metrics')
    .addTag('sentiment', 'Market sentiment of text: Bullish, Bearish or Neutral, with the evidence')
    .addTag('compatibility', 'Routes kept for clients of the systems this service replaces')
    .addTag(
      COINGECKO_TAG,
      'CoinGecko API v3 under /api/v3 (its parameters, shapes and error bodies); point a CoinGecko client’s base URL here',
    )
    .build();
  const document = SwaggerModule.createDocument(app, config, { extraModels: [ProblemDetailsDto] });
  declareProblemResponses(document);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
    customSiteTitle: `${APP_NAME} API`,
  });
  return document;
}
