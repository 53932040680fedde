// Credentials in URLs never reach the logs: clients put API keys in query strings
// (`?api_key=` on /ws, where browsers cannot send headers), and an error message may quote a
// connection URL with its password.

/** What a credential's value is replaced with. */
export const REDACTED = '[REDACTED]';

/** Parameter names that are credentials whole (after lower-casing, `-` read as `_`). */
const SECRET_NAMES = new Set([
  'key',
  'apikey',
  'token',
  'auth',
  'authorization',
  'password',
  'passwd',
  'pwd',
  'secret',
  'signature',
  'sig',
  'jwt',
  'session',
  'sessionid',
  'cookie',
]);
/** …and names that end like one: `api_key`, `x_cg_demo_api_key`, `access_token`, `client_secret`. */
const SECRET_SUFFIX = /_(key|apikey|token|secret|password|passwd|signature|session)$/;

/**
 * `?name=value` or `&name=value`; the value runs to the next `&`, `#`, space or quote, less
 * one punctuation mark before a space or the end (`…?token=abc: failed` keeps its colon).
 */
const QUERY_PARAMETER = /([?&])([^=&#?\s"'<>]+)=([^&#\s"'<>]*?)(?=[:,;.)\]]?(?:[&#\s"'<>]|$))/g;
/** `scheme://user:password@`: the password part. */
const USERINFO = /(\b[a-z][a-z\d+.-]*:\/\/[^\s/?#@:"'<>]*:)([^\s/?#@"'<>]+)@/gi;

function decodeName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

/** Whether a query parameter of this name carries a credential (case-insensitive). */
export function isSecretParameter(rawName: string): boolean {
  const name = decodeName(rawName)
    .trim()
    .toLowerCase()
    .replace(/\[\]$/, '')
    .replace(/[-.\s]/g, '_');
  return SECRET_NAMES.has(name) || SECRET_SUFFIX.test(name);
}

/**
 * The URL (or any text quoting URLs) with every credential's value replaced by
 * `[REDACTED]`: query parameters named like a key, token, password or secret, and the
 * password of `scheme://user:password@host`. Everything else is left as written.
 */
export function redactUrl(text: string): string {
  if (!text.includes('=') && !text.includes('@')) return text;
  return text
    .replace(QUERY_PARAMETER, (whole, separator: string, name: string, value: string) =>
      value !== '' && isSecretParameter(name) ? `${separator}${name}=${REDACTED}` : whole,
    )
    .replace(USERINFO, `$1${REDACTED}@`);
}
