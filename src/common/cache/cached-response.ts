import { createHash } from 'node:crypto';
import {
  compressVariants,
  negotiateEncoding,
  type CompressedEncoding,
  type ContentEncoding,
} from '../http/compression';

/**
 * A cached answer as served: the JSON body as bytes and, over the compression threshold, its
 * br and gzip variants, compressed once when stored so that a hit only picks one.
 */
export interface CachedResponse {
  /** Strong tag of the identity body; a compressed variant's tag adds `-br` / `-gzip`. */
  etag: string;
  storedAt: number;
  headers: Record<string, string>;
  body: Buffer;
  variants?: Record<CompressedEncoding, Buffer>;
}

/** Builds the entry of a freshly computed answer (serialised once, compressed once). */
export async function buildEntry(
  payload: unknown,
  headers: Record<string, string>,
): Promise<CachedResponse> {
  const body = Buffer.from(JSON.stringify(payload));
  return {
    etag: `"${createHash('sha1').update(body).digest('base64url')}"`,
    storedAt: Date.now(),
    headers,
    body,
    variants: await compressVariants(body),
  };
}

/** Bytes an entry holds in memory (what bounds the in-process cache). */
export function entrySize(entry: CachedResponse): number {
  const variants = entry.variants ? entry.variants.br.length + entry.variants.gzip.length : 0;
  return entry.body.length + variants + 256;
}

/** The representation to send for a request's Accept-Encoding, and its tag. */
export function selectVariant(
  entry: CachedResponse,
  acceptEncoding: string | undefined,
): { encoding: ContentEncoding; body: Buffer; etag: string } {
  const encoding = entry.variants ? negotiateEncoding(acceptEncoding) : 'identity';
  if (encoding === 'identity' || !entry.variants) {
    return { encoding: 'identity', body: entry.body, etag: entry.etag };
  }
  return {
    encoding,
    body: entry.variants[encoding],
    etag: `${entry.etag.slice(0, -1)}-${encoding}"`,
  };
}

/** A tag's opaque part without `W/` and without a variant suffix: what names the content. */
function entityOf(tag: string): string {
  return tag
    .trim()
    .replace(/^W\//, '')
    .replace(/-(?:br|gzip)"$/, '"');
}

/**
 * Whether an `If-None-Match` field matches the current entry (RFC 9110 §13.1.2): `*` matches
 * any current representation; otherwise any listed tag, compared weakly (a `W/` prefix on
 * either side is ignored). A tag of another encoding of the same content matches too: the
 * client's stored representation, whichever its encoding, is still current.
 */
export function matchesIfNoneMatch(field: string | undefined, etag: string): boolean {
  if (!field) return false;
  if (field.trim() === '*') return true;
  const current = entityOf(etag);
  return field.split(',').some((candidate) => entityOf(candidate) === current);
}

/**
 * The entry as stored in the shared (Redis) level, one string:
 * `etag \n storedAt \n headers-json \n br-base64 \n gzip-base64 \n body`. Read once per key
 * and generation per instance (hits are served from memory), so its cost is off the hot path.
 */
export function encodeEntry(entry: CachedResponse): string {
  const br = entry.variants?.br.toString('base64') ?? '';
  const gz = entry.variants?.gzip.toString('base64') ?? '';
  return `${entry.etag}\n${entry.storedAt}\n${JSON.stringify(entry.headers)}\n${br}\n${gz}\n${entry.body.toString()}`;
}

export function decodeEntry(raw: unknown): CachedResponse | undefined {
  if (typeof raw !== 'string') return undefined;
  const ends: number[] = [];
  for (let at = raw.indexOf('\n'); at >= 0 && ends.length < 5; at = raw.indexOf('\n', at + 1)) {
    ends.push(at);
  }
  if (ends.length < 5) return undefined;
  const [etagEnd, storedEnd, headersEnd, brEnd, gzipEnd] = ends;
  const storedAt = Number(raw.slice(etagEnd + 1, storedEnd));
  if (!Number.isFinite(storedAt)) return undefined;
  try {
    const br = raw.slice(headersEnd + 1, brEnd);
    const gz = raw.slice(brEnd + 1, gzipEnd);
    return {
      etag: raw.slice(0, etagEnd),
      storedAt,
      headers: JSON.parse(raw.slice(storedEnd + 1, headersEnd)) as Record<string, string>,
      body: Buffer.from(raw.slice(gzipEnd + 1)),
      variants:
        br && gz ? { br: Buffer.from(br, 'base64'), gzip: Buffer.from(gz, 'base64') } : undefined,
    };
  } catch {
    return undefined;
  }
}
