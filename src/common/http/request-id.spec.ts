import type { IncomingMessage } from 'node:http';
import { resolveRequestId } from './request-id';

const requestWith = (headers: IncomingMessage['headers']) => ({ headers }) as IncomingMessage;

describe(resolveRequestId.name, () => {
  it('keeps a sane incoming id and puts it on the raw request for the logger', () => {
    const raw = requestWith({ 'x-request-id': 'abc-123.def:9' });

    expect(resolveRequestId(raw)).toBe('abc-123.def:9');
    expect((raw as IncomingMessage & { id: string }).id).toBe('abc-123.def:9');
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['too long', 'a'.repeat(129)],
    ['with spaces', 'a b'],
    ['with a newline', 'a\nb'],
    ['with markup', '<script>'],
  ])('mints a UUID when the incoming id is %s', (_case, value) => {
    const id = resolveRequestId(requestWith(value === undefined ? {} : { 'x-request-id': value }));

    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
