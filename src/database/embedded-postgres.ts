// Embedded mode: PostgreSQL compiled to WASM (PGlite), served on a loopback port with
// pglite-socket so TypeORM talks to it through the ordinary `pg` driver, exactly as it
// talks to a real server.
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { Logger } from '@nestjs/common';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';

const IN_MEMORY = 'memory://';
const LOCK_FILE = 'crypto-market-api.pid';

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite has no locking of its own and two processes writing one data directory corrupt
 * it, so the directory carries a pid file while a process has it open.
 */
function acquireDirectoryLock(dataDir: string): string {
  const lockPath = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return lockPath;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
      if (Number.isInteger(holder) && holder !== process.pid && processIsAlive(holder)) {
        throw new Error(
          `The embedded database at ${dataDir} is in use by process ${holder}. ` +
            'Stop it, or set PGLITE_DATA_DIR to another directory.',
        );
      }
      rmSync(lockPath, { force: true }); // left behind by a process that died
    }
  }
  throw new Error(`Could not lock the embedded database directory ${dataDir}`);
}

export class EmbeddedPostgres {
  private static readonly logger = new Logger(EmbeddedPostgres.name);

  private constructor(
    private readonly db: PGlite,
    private readonly server: PGLiteSocketServer,
    private readonly lockPath: string | undefined,
    /** Connection URL for the `pg` driver. */
    readonly url: string,
  ) {}

  static async start(dataDir: string): Promise<EmbeddedPostgres> {
    const started = Date.now();
    let lockPath: string | undefined;
    let location = IN_MEMORY;
    if (dataDir !== IN_MEMORY) {
      location = resolve(dataDir);
      mkdirSync(location, { recursive: true });
      lockPath = acquireDirectoryLock(location);
    }
    try {
      const db = await PGlite.create(dataDir === IN_MEMORY ? IN_MEMORY : location);
      // One connection only: pglite-socket interleaves the protocol messages of concurrent
      // connections (prepared statements break), so the pool in front of it has size 1.
      const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 1 });
      await server.start();
      const url = `postgres://postgres@${server.getServerConn()}/postgres?sslmode=disable`;
      this.logger.log(
        `Embedded PostgreSQL (PGlite) ready at ${server.getServerConn()}, data in ${location} (${Date.now() - started} ms)`,
      );
      return new EmbeddedPostgres(db, server, lockPath, url);
    } catch (error) {
      if (lockPath) rmSync(lockPath, { force: true });
      throw error;
    }
  }

  async stop(): Promise<void> {
    try {
      await this.server.stop();
      await this.db.close();
    } finally {
      if (this.lockPath) rmSync(this.lockPath, { force: true });
    }
  }
}
