import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { EmbeddedPostgres } from './embedded-postgres';

/** Where the database lives: the server in DATABASE_URL, or an embedded one started here. */
@Injectable()
export class DatabaseServer {
  private embedded?: Promise<EmbeddedPostgres>;

  constructor(private readonly config: AppConfig) {}

  get isEmbedded(): boolean {
    return this.config.database.url === undefined;
  }

  async url(): Promise<string> {
    const configured = this.config.database.url;
    if (configured !== undefined) return configured;
    this.embedded ??= EmbeddedPostgres.start(this.config.database.pgliteDataDir);
    return (await this.embedded).url;
  }

  /** Stops the embedded server; call only after every connection to it is closed. */
  async stop(): Promise<void> {
    const embedded = this.embedded;
    this.embedded = undefined;
    if (embedded) await (await embedded).stop();
  }
}
