// npm run fx:bundle -- <dir of Yahoo XXXUSD_1d.csv / USDXXX_1d.csv files> [out dir, default data/forex]
// Writes the compact FX history the service imports at startup: per currency `code.csv.gz`
// with `date,rate` (units per US dollar, 8 significant digits), gzip level 9.
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { constants, gzip } from 'node:zlib';
import { runCli } from '../database/cli-data-source';
import { formatBundledRates, parseYahooPair } from './fx-bundle';

const gzipAsync = promisify(gzip);

async function main(): Promise<void> {
  const [from, to = 'data/forex'] = process.argv.slice(2);
  if (!from) throw new Error('Usage: npm run fx:bundle -- <source dir> [out dir]');
  await mkdir(to, { recursive: true });
  for (const name of (await readdir(from)).filter((f) => /_1d\.csv$/.test(f)).sort()) {
    const { currency, rates } = parseYahooPair(await readFile(join(from, name), 'utf8'), name);
    const body = await gzipAsync(formatBundledRates(rates), {
      level: constants.Z_BEST_COMPRESSION,
    });
    await writeFile(join(to, `${currency}.csv.gz`), body);
    console.log(
      `${currency}: ${rates.length} days (${rates[0]?.day} to ${rates.at(-1)?.day}), ${body.length} bytes`,
    );
  }
}

runCli(main);
