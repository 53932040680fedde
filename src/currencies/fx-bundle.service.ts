import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { AppConfig } from '../config/app-config';
import { AdvisoryLockService } from '../database/advisory-lock.service';
import { CurrenciesService } from './currencies.service';
import { BUNDLED_CURRENCY_NAMES, parseBundledRates } from './fx-bundle';
import { BUNDLED_FX_SOURCE, FxRatesRepository } from './fx-rates.repository';

const gunzipAsync = promisify(gunzip);
const FILE_NAME = /^([a-z]{3})\.csv(\.gz)?$/;

export interface FxBundleOutcome {
  files: number;
  written: number;
  failed: number;
}

/**
 * Imports the daily FX history shipped in FX_BUNDLE_DIR (data/forex, see its README) in the
 * background at startup, so past prices convert offline at their own day's rates. Idempotent:
 * a rate already stored is not written again, and a rate from a live source for the same day
 * is never replaced by the bundled one.
 */
@Injectable()
export class FxBundleService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(FxBundleService.name);
  private running?: Promise<unknown>;

  constructor(
    private readonly config: AppConfig,
    private readonly locks: AdvisoryLockService,
    private readonly repository: FxRatesRepository,
    private readonly currencies: CurrenciesService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.currencies.bundle.import || !this.config.ingestion.syncOnStartup) return;
    this.running = this.importAll().catch((error: unknown) =>
      this.logger.warn(`bundled FX history not imported: ${String(error)}`),
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.running;
  }

  /** Imports every bundled file (under a lock: one instance does it); null when another holds it. */
  async importAll(dir = this.config.currencies.bundle.dir): Promise<FxBundleOutcome | null> {
    const outcome = await this.locks.withLock('fx:bundle', () => this.importDir(dir));
    return outcome.acquired ? outcome.result : null;
  }

  private async importDir(dir: string): Promise<FxBundleOutcome> {
    const names = (await readdir(dir).catch(() => [] as string[]))
      .filter((name) => FILE_NAME.test(name))
      .sort();
    const outcome: FxBundleOutcome = { files: names.length, written: 0, failed: 0 };
    for (const name of names) {
      try {
        const body = await readFile(join(dir, name));
        const text = name.endsWith('.gz')
          ? (await gunzipAsync(body)).toString('utf8')
          : body.toString('utf8');
        const code = FILE_NAME.exec(name)![1];
        const rates = parseBundledRates(text, name);
        await this.repository.upsertCurrencies([
          {
            code,
            name: BUNDLED_CURRENCY_NAMES[code] ?? code.toUpperCase(),
            kind: 'fiat',
            source: BUNDLED_FX_SOURCE,
          },
        ]);
        outcome.written += await this.repository.upsertRates(
          rates.map((r) => ({
            currency: code,
            day: r.day,
            rate: r.rate,
            source: BUNDLED_FX_SOURCE,
          })),
        );
      } catch (error) {
        outcome.failed++;
        this.logger.warn(`bundled FX history: ${name} not imported: ${(error as Error).message}`);
      }
    }
    if (outcome.written > 0) await this.currencies.ratesChanged();
    this.logger.log(
      `bundled FX history: ${names.length} files, ${outcome.written.toLocaleString('en')} daily rates written` +
        (outcome.failed ? `, ${outcome.failed} failed` : ''),
    );
    return outcome;
  }
}
