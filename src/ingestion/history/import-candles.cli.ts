// npm run import:candles -- FILE [--symbol BTC] [--source NAME] [--volume base|quote]
// Imports historical candles from a file (Yahoo-style CSV, Binance kline CSV, CoinGecko-style
// JSON; .gz accepted) into the configured database, with a run record; prints the outcome and
// the rejected rows by line. Exits 1 when nothing could be imported.
import 'reflect-metadata';
import { readFile } from 'node:fs/promises';
import { parseArgs, promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { AssetEntity } from '../../cryptocurrencies/entities/asset.entity';
import { AssetsRepository } from '../../cryptocurrencies/assets.repository';
import { runCli, withCliDataSource } from '../../database/cli-data-source';
import { runPendingMigrations } from '../../database/migrate';
import { TimePartitions } from '../../database/time-partitions';
import { CandlesRepository } from '../../price-history/candles.repository';
import { IngestionRunEntity } from '../entities/ingestion-run.entity';
import { IngestionRepository } from '../ingestion.repository';
import { CandleImporter } from './candle-import.service';
import { symbolFromFileName } from './file-symbol';
import { SYMBOL_PATTERN } from '../../common/pipes/parse-symbol.pipe';

const USAGE =
  'Usage: npm run import:candles -- FILE [--symbol BTC] [--source NAME] [--volume base|quote]';
const SOURCE_PATTERN = /^[a-z0-9][a-z0-9._-]{0,31}$/;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      symbol: { type: 'string' },
      source: { type: 'string' },
      volume: { type: 'string', default: 'base' },
    },
  });
  const [file] = positionals;
  if (!file || positionals.length > 1) throw new Error(USAGE);
  const symbol = (values.symbol ?? symbolFromFileName(file) ?? '').toUpperCase();
  if (!SYMBOL_PATTERN.test(symbol)) {
    throw new Error(`No symbol: pass --symbol (the file name does not start with one)\n${USAGE}`);
  }
  if (values.source !== undefined && !SOURCE_PATTERN.test(values.source)) {
    throw new Error(
      '--source must be 1–32 lower-case letters, digits, dots, dashes or underscores',
    );
  }
  if (values.volume !== 'base' && values.volume !== 'quote') throw new Error(USAGE);
  const body = await readFile(file);
  // gzip magic number
  const text =
    body[0] === 0x1f && body[1] === 0x8b
      ? (await promisify(gunzip)(body)).toString('utf8')
      : body.toString('utf8');

  await withCliDataSource(async (dataSource, server) => {
    await runPendingMigrations(dataSource, server.isEmbedded);
    const partitions = new TimePartitions(dataSource);
    const runs = new IngestionRepository(
      dataSource.getRepository(IngestionRunEntity),
      dataSource,
      partitions,
    );
    const importer = new CandleImporter(
      dataSource,
      new CandlesRepository(dataSource, partitions),
      new AssetsRepository(dataSource.getRepository(AssetEntity), dataSource),
      runs,
    );
    const run = await importer.import({
      text,
      file,
      symbol,
      source: values.source,
      trigger: 'manual',
      volumeIn: values.volume as 'base' | 'quote',
    });
    const details = run.details as {
      layout?: string;
      timeframe?: string;
      first?: string;
      last?: string;
      source?: string;
      rejected?: { at: string; reason: string }[];
    };
    if (run.status === 'failed') {
      process.exitCode = 1;
      console.error(`run ${run.id} failed: ${run.error}`);
      return;
    }
    console.log(
      `run ${run.id} ${run.status}: ${symbol} ${details.timeframe} candles (${details.layout} layout, source ${details.source}) ` +
        `${details.first} … ${details.last}: ${run.createdCount} created, ${run.updatedCount} updated, ` +
        `${run.skippedCount} rejected`,
    );
    for (const { at, reason } of details.rejected ?? []) console.log(`  ${at}: ${reason}`);
    if (run.skippedCount > (details.rejected?.length ?? 0)) {
      console.log(
        `  … and ${run.skippedCount - details.rejected!.length} more (see the run record)`,
      );
    }
  }, CLI_ENTITIES);
}

/** The entities whose repositories the import uses (the rest is SQL). */
const CLI_ENTITIES = { entities: [IngestionRunEntity, AssetEntity] };

runCli(main);
