import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { AppConfig } from '../../config/app-config';
import { AdvisoryLockService } from '../../database/advisory-lock.service';
import { DatabaseServer } from '../../database/database-server';
import { IngestionRepository } from '../ingestion.repository';
import { CandleImportService } from './candle-import.service';

const gunzipAsync = promisify(gunzip);

export const BUNDLED_SOURCE = 'bundled';
const FILE_NAME = /^([A-Z0-9]{1,20})\.csv(\.gz)?$/;
/** At most one progress line this often. */
const PROGRESS_EVERY_MS = 2_000;

export interface BundledImportOutcome {
  files: number;
  imported: number;
  skipped: number;
  failed: number;
  candles: number;
}

/**
 * Imports the daily history shipped in HISTORY_BUNDLE_DIR (data/history: public daily OHLCV
 * of large coins, see its README) once, in the background at startup, so a fresh offline
 * start has years of daily and weekly candles to chart. One run and one transaction per
 * file; a file whose checksum is in its checkpoint was imported before and is skipped, so a
 * start after a kill imports what is missing and nothing twice. Its candles carry the source
 * `bundled`, which ranks below every other (docs/market-data.md).
 */
@Injectable()
export class BundledHistoryService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(BundledHistoryService.name);
  private running?: Promise<unknown>;
  private stopping = false;

  constructor(
    private readonly config: AppConfig,
    private readonly database: DatabaseServer,
    private readonly locks: AdvisoryLockService,
    private readonly runs: IngestionRepository,
    private readonly importer: CandleImportService,
  ) {}

  onApplicationBootstrap(): void {
    const mode = this.config.ingestion.historyBundle.import;
    if (!this.config.ingestion.syncOnStartup || mode === 'false') return;
    if (mode === 'auto' && !this.database.isEmbedded) return;
    this.running = this.importAll().catch((error: unknown) =>
      this.logger.warn(`bundled history not imported: ${String(error)}`),
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.running;
  }

  /** Imports every bundled file not imported yet (under a lock: one instance does it). */
  async importAll(): Promise<BundledImportOutcome | null> {
    const outcome = await this.locks.withLock(`ingestion:${BUNDLED_SOURCE}`, () =>
      this.importPending(),
    );
    return outcome.acquired ? outcome.result : null;
  }

  private async importPending(): Promise<BundledImportOutcome> {
    const dir = this.config.ingestion.historyBundle.dir;
    const names = (await readdir(dir).catch(() => [] as string[]))
      .filter((name) => FILE_NAME.test(name))
      .sort();
    const pending: { name: string; body: Buffer; checksum: string }[] = [];
    for (const name of names) {
      const body = await readFile(join(dir, name));
      const checksum = createHash('sha256').update(body).digest('hex');
      const done = await this.runs.findCheckpoint(BUNDLED_SOURCE, name);
      if ((done?.cursor as { checksum?: string } | undefined)?.checksum !== checksum) {
        pending.push({ name, body, checksum });
      }
    }
    const outcome: BundledImportOutcome = {
      files: names.length,
      imported: 0,
      skipped: names.length - pending.length,
      failed: 0,
      candles: 0,
    };
    if (pending.length === 0) return outcome;

    const started = Date.now();
    let reported = started;
    this.logger.log(
      `bundled history: importing ${pending.length} of ${names.length} files from ${dir} in the background`,
    );
    for (const [index, file] of pending.entries()) {
      if (this.stopping) break;
      const text = file.name.endsWith('.gz')
        ? (await gunzipAsync(file.body)).toString('utf8')
        : file.body.toString('utf8');
      const run = await this.importer.import({
        text,
        file: file.name,
        symbol: FILE_NAME.exec(file.name)![1],
        source: BUNDLED_SOURCE,
        trigger: 'startup',
        // Yahoo's crypto volumes are in USD.
        volumeIn: 'quote',
        checkpoint: { key: file.name, checksum: file.checksum },
      });
      if (run.status === 'failed') {
        outcome.failed++;
        this.logger.warn(`bundled history: ${file.name} not imported: ${run.error}`);
      } else {
        outcome.imported++;
        outcome.candles += run.createdCount + run.updatedCount;
        this.logger.debug(
          `bundled history: ${file.name} imported, ${(run.createdCount + run.updatedCount).toLocaleString('en')} daily candles`,
        );
      }
      const now = Date.now();
      if (now - reported >= PROGRESS_EVERY_MS && index < pending.length - 1) {
        reported = now;
        this.logger.log(
          `bundled history: ${index + 1}/${pending.length} files, ${outcome.candles.toLocaleString('en')} daily candles ` +
            `(${Math.round((outcome.candles * 1_000) / (now - started)).toLocaleString('en')}/s)`,
        );
      }
    }
    const seconds = (Date.now() - started) / 1_000;
    this.logger.log(
      `bundled history: ${outcome.imported} files, ${outcome.candles.toLocaleString('en')} daily candles in ` +
        `${seconds.toFixed(1)} s${outcome.failed ? `, ${outcome.failed} failed` : ''}${this.stopping ? ' (stopped by shutdown)' : ''}`,
    );
    return outcome;
  }
}
