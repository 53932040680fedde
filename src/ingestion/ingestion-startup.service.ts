import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { AdvisoryLockService } from '../database/advisory-lock.service';
import { IngestionService } from './ingestion.service';

/**
 * SYNC_ON_STARTUP: one run per enabled source, in the background, so the service is ready
 * before they end; each under an advisory lock, so several instances starting together
 * sync once. Shutdown waits for runs in flight, so none is left half-recorded.
 */
@Injectable()
export class IngestionStartupService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(IngestionStartupService.name);
  private inFlight: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly config: AppConfig,
    private readonly ingestion: IngestionService,
    private readonly locks: AdvisoryLockService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.ingestion.syncOnStartup) return;
    const runs = this.ingestion.enabledProviders().map(async (provider) => {
      const outcome = await this.locks.withLock(`ingestion:${provider.name}`, () =>
        this.ingestion.run(provider.name, 'startup'),
      );
      if (outcome.acquired) {
        this.logger.log(`startup sync of ${provider.name}: ${outcome.result.status}`);
      }
    });
    this.inFlight = Promise.allSettled(runs);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.inFlight;
  }
}
