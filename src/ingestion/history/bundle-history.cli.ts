// npm run history:bundle -- <dir of SYMBOL-USD_1d.csv files> [out dir, default data/history]
// Writes the compact copy of public daily history the service imports on its first embedded
// start: per coin, `SYMBOL.csv.gz` with Date,Open,High,Low,Close,Volume (volume in USD),
// prices rounded to 8 significant digits and volumes to whole dollars. Rounding each value
// on its own keeps low ≤ open, close ≤ high.
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { gzip, constants } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { runCli } from '../../database/cli-data-source';

const gzipAsync = promisify(gzip);

const price = (value: string) => (value === '' ? '' : String(Number(Number(value).toPrecision(8))));
const dollars = (value: string) => (value === '' ? '' : String(Math.round(Number(value))));

async function main(): Promise<void> {
  const [from, to = 'data/history'] = process.argv.slice(2);
  if (!from) throw new Error('Usage: npm run history:bundle -- <source dir> [out dir]');
  await mkdir(to, { recursive: true });
  for (const name of (await readdir(from))
    .filter((f) => /^[A-Z0-9]+-USD_1d\.csv$/.test(f))
    .sort()) {
    const rows: Record<string, string>[] = parse(await readFile(join(from, name), 'utf8'), {
      columns: true,
      skip_empty_lines: true,
      trim: true,
    });
    const lines = ['Date,Open,High,Low,Close,Volume'];
    for (const r of rows) {
      lines.push(
        [
          r.Date,
          price(r.Open),
          price(r.High),
          price(r.Low),
          price(r.Close),
          dollars(r.Volume),
        ].join(','),
      );
    }
    const symbol = basename(name).split('-')[0];
    const body = await gzipAsync(lines.join('\n') + '\n', { level: constants.Z_BEST_COMPRESSION });
    await writeFile(join(to, `${symbol}.csv.gz`), body);
    console.log(`${symbol}: ${rows.length} days, ${body.length} bytes`);
  }
}

runCli(main);
