// CSV answers: which representation a request asks for, RFC 4180 lines, and a streamed body
// that reads its rows as the client consumes them (never the whole file in memory).
import {
  SetMetadata,
  StreamableFile,
  applyDecorators,
  createParamDecorator,
  type ExecutionContext,
  type Type,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiExtraModels, ApiOkResponse, getSchemaPath } from '@nestjs/swagger';
import { Readable } from 'node:stream';

export const RESPONSE_FORMATS = ['json', 'csv'] as const;
export type ResponseFormat = (typeof RESPONSE_FORMATS)[number];

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';
/** Marks a route that also answers in CSV (read by the response cache, which keeps JSON only). */
export const CSV_ALTERNATIVE = 'cma:csv-alternative';

/** A field as written: null and undefined are empty, everything else its string form. */
export type CsvField = string | number | boolean | null | undefined;

/** Lines are gathered into chunks of about this size before they are written. */
const CHUNK_CHARS = 64 * 1_024;

/**
 * Quality (RFC 9110 §12.5.1) the Accept header gives a media type: its most specific
 * matching range wins (`text/csv`, then `text/*`, then any type); a type no range
 * matches is not acceptable (0).
 */
function qualityOf(accept: string, type: string, subtype: string): number {
  let best = -1;
  let quality = 0;
  for (const range of accept.split(',')) {
    const [media, ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    const [rangeType, rangeSubtype] = media.split('/');
    const specificity =
      rangeType === type && rangeSubtype === subtype
        ? 2
        : rangeType === type && rangeSubtype === '*'
          ? 1
          : rangeType === '*' && rangeSubtype === '*'
            ? 0
            : -1;
    if (specificity <= best) continue;
    best = specificity;
    const q = params.find((param) => param.startsWith('q='));
    quality = q === undefined ? 1 : Number(q.slice(2)) || 0;
  }
  return best === -1 ? 0 : quality;
}

/**
 * The representation to answer in: the `format` query parameter when given, otherwise CSV
 * only when the Accept header prefers text/csv to application/json (JSON on a tie).
 */
export function responseFormat(
  format: ResponseFormat | undefined,
  accept: string | undefined,
): ResponseFormat {
  if (format) return format;
  if (!accept) return 'json';
  return qualityOf(accept, 'text', 'csv') > qualityOf(accept, 'application', 'json')
    ? 'csv'
    : 'json';
}

/**
 * The request's Accept header, as a handler parameter. Not `@Headers('accept')`, which Swagger
 * would document as a required header parameter (and OpenAPI ignores Accept parameters).
 */
export const AcceptHeader = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string | undefined =>
    context.switchToHttp().getRequest<FastifyRequest>().headers.accept,
);

/** One RFC 4180 record with its CRLF: a field holding a comma, quote or line break is quoted. */
export function csvLine(fields: readonly CsvField[]): string {
  return (
    fields
      .map((field) => {
        const text = field === null || field === undefined ? '' : String(field);
        return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
      })
      .join(',') + '\r\n'
  );
}

/** The rows of an export, each turned into its fields as it is read. */
export async function* mapRows<T>(
  rows: AsyncIterable<T>,
  toFields: (row: T) => readonly CsvField[],
): AsyncGenerator<readonly CsvField[]> {
  for await (const row of rows) yield toFields(row);
}

async function* csvChunks(
  header: readonly string[],
  first: IteratorResult<readonly CsvField[]>,
  rows: AsyncIterator<readonly CsvField[]>,
): AsyncGenerator<string> {
  let chunk = csvLine(header);
  for (let next = first; !next.done; next = await rows.next()) {
    chunk += csvLine(next.value);
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

export interface CsvExport {
  /** File name offered to the client (Content-Disposition); letters, digits, `.`, `-`, `_`. */
  filename: string;
  header: readonly string[];
  /** Read as the response is written; a page of rows at a time. */
  rows: AsyncIterable<readonly CsvField[]>;
}

/**
 * The export as a streamed response body. The first row is read before anything is sent, so
 * that a failure of the first query is answered as a problem document like any other error;
 * a failure later aborts the response (a truncated file must not look complete).
 */
export async function csvFile(csv: CsvExport): Promise<StreamableFile> {
  const rows = csv.rows[Symbol.asyncIterator]();
  const first = await rows.next();
  const stream = Readable.from(csvChunks(csv.header, first, rows), { objectMode: false });
  return new StreamableFile(stream, {
    type: CSV_CONTENT_TYPE,
    disposition: `attachment; filename="${csv.filename}"`,
  });
}

/**
 * Documents a route's 200 as JSON (`type`) or CSV (`example`: the first lines of a file) and
 * marks the route, so that the response cache neither stores nor serves a CSV answer and adds
 * `Vary: Accept` (the representation depends on it).
 */
export function CsvAlternative(type: Type, description: string, example: string) {
  return applyDecorators(
    SetMetadata(CSV_ALTERNATIVE, true),
    ApiExtraModels(type),
    ApiOkResponse({
      description,
      content: {
        'application/json': { schema: { $ref: getSchemaPath(type) } },
        'text/csv': { schema: { type: 'string' }, example },
      },
    }),
  );
}
