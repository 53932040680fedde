import { type Readable } from 'node:stream';
import { csvFile, csvLine, responseFormat, type CsvField } from './csv';

describe(csvLine.name, () => {
  it('writes plain fields as they are, empty for null and undefined, and ends with CRLF', () => {
    expect(
      csvLine(['2026-11-20T00:00:00.000Z', 1795132800000, '97000.12', true, null, undefined]),
    ).toBe('2026-11-20T00:00:00.000Z,1795132800000,97000.12,true,,\r\n');
  });

  it.each([
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rhere', '"cr\rhere"'],
    ['', ''],
  ])('quotes %p as RFC 4180 says', (field, written) => {
    expect(csvLine([field, 'x'])).toBe(`${written},x\r\n`);
  });
});

describe(responseFormat.name, () => {
  it.each([
    [undefined, undefined, 'json'],
    [undefined, 'text/csv', 'csv'],
    [undefined, 'text/csv, application/json;q=0.9', 'csv'],
    [undefined, 'text/*', 'csv'],
    [undefined, 'application/json, text/csv', 'json'],
    [undefined, 'text/csv;q=0.5, application/json', 'json'],
    [undefined, 'text/csv;charset=utf-8;q=0.8, */*;q=0.1', 'csv'],
    [undefined, '*/*', 'json'],
    [undefined, 'text/html, */*;q=0.8', 'json'],
    [undefined, 'TEXT/CSV', 'csv'],
    [undefined, 'text/*;q=0.9, text/csv;q=0', 'json'],
    ['json', 'text/csv', 'json'],
    ['csv', 'application/json', 'csv'],
  ] as const)('format=%p with Accept %p answers %p', (format, accept, expected) => {
    expect(responseFormat(format, accept)).toBe(expected);
  });
});

describe(csvFile.name, () => {
  async function* rows(count: number): AsyncGenerator<CsvField[]> {
    for (let i = 0; i < count; i++) yield [i, `row ${i}`];
  }

  async function text(stream: Readable): Promise<string> {
    let out = '';
    for await (const chunk of stream) out += String(chunk);
    return out;
  }

  it('streams the header then every row, with the type and file name of the export', async () => {
    const sut = await csvFile({
      filename: 'X-ohlc-1h.csv',
      header: ['n', 'label'],
      rows: rows(20_000),
    });

    expect(sut.getHeaders()).toMatchObject({
      type: 'text/csv; charset=utf-8',
      disposition: 'attachment; filename="X-ohlc-1h.csv"',
    });
    const lines = (await text(sut.getStream())).split('\r\n');
    expect(lines[0]).toBe('n,label');
    expect(lines.slice(1, -1)).toEqual(Array.from({ length: 20_000 }, (_, i) => `${i},row ${i}`));
    expect(lines.at(-1)).toBe('');
  });

  it('writes the header alone for an export without rows', async () => {
    const sut = await csvFile({ filename: 'X.csv', header: ['a', 'b'], rows: rows(0) });

    expect(await text(sut.getStream())).toBe('a,b\r\n');
  });

  it('fails before anything is sent when the first page cannot be read', async () => {
    // eslint-disable-next-line require-yield
    async function* failing(): AsyncGenerator<CsvField[]> {
      throw new Error('database down');
    }

    await expect(csvFile({ filename: 'X.csv', header: ['a'], rows: failing() })).rejects.toThrow(
      'database down',
    );
  });

  it('reads rows only as the stream is consumed', async () => {
    let read = 0;
    async function* counted(): AsyncGenerator<CsvField[]> {
      for (let i = 0; i < 1_000_000; i++) {
        read++;
        yield [i, 'x'.repeat(50)];
      }
    }
    const sut = await csvFile({ filename: 'X.csv', header: ['n', 'pad'], rows: counted() });
    const stream = sut.getStream();

    await new Promise((resolve) => stream.once('readable', resolve));
    // About one chunk (64 KiB) ahead of the reader, nowhere near the million rows.
    expect(read).toBeLessThan(5_000);
    stream.destroy();
  });
});
