// Embedded mode: PostgreSQL compiled to WASM (PGlite), served on a loopback port with
// pglite-socket so TypeORM talks to it through the ordinary `pg` driver, exactly as it
// talks to a real server. PGlite runs queries synchronously on the thread that hosts it, so
// it lives in a worker thread of its own: a long statement (a 200,000-row import) never
// stalls the service's event loop, health probes and live streams included.
import { Logger } from '@nestjs/common';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * The worker: PGlite and its socket server. Plain JavaScript, evaluated (the service runs
 * from TypeScript sources under jest and from dist/ in production alike); the packages are
 * resolved by the parent and passed in.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { PGlite } = require(workerData.pglite);
const { PGLiteSocketServer } = require(workerData.pgliteSocket);

/** An in-memory cluster starts from the blank-cluster image when there is one (see below). */
async function open() {
  const image = workerData.blankImage;
  if (!image) return PGlite.create(workerData.location);
  try {
    const loadDataDir = new Blob([fs.readFileSync(image)]);
    return await PGlite.create(workerData.location, { loadDataDir });
  } catch {
    // No image yet (or a damaged one): initialise, then leave an image for the next start.
  }
  const db = await PGlite.create(workerData.location);
  try {
    const dump = Buffer.from(await (await db.dumpDataDir('none')).arrayBuffer());
    const partial = image + '.' + process.pid + '.' + Date.now();
    fs.writeFileSync(partial, dump);
    fs.renameSync(partial, image);
  } catch {
    // A cache only: the next start initialises again.
  }
  return db;
}

(async () => {
  const db = await open();
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 1 });
  await server.start();
  parentPort.on('message', async (message) => {
    if (message !== 'stop') return;
    try {
      await server.stop();
      await db.close();
    } finally {
      parentPort.postMessage({ stopped: true });
    }
  });
  parentPort.postMessage({ conn: server.getServerConn() });
})().catch((error) => parentPort.postMessage({ error: String(error && error.stack || error) }));
`;

type WorkerMessage = { conn: string } | { error: string } | { stopped: true };

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

/**
 * Where an in-memory cluster's blank image is kept: PGlite runs initdb on every create,
 * which costs seconds, and an in-memory database (tests, demos) is created often. The image
 * is the state right after initdb, before anything is written, per PGlite version; it is
 * written whole or not at all (rename), and a missing or unreadable one means initdb again.
 */
export function blankClusterImage(directory: string = tmpdir()): string {
  const { version } = JSON.parse(
    readFileSync(
      join(dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json'),
      'utf8',
    ),
  ) as { version: string };
  return join(directory, `crypto-market-api-pglite-${version}-blank.tar`);
}

export class EmbeddedPostgres {
  private static readonly logger = new Logger(EmbeddedPostgres.name);

  private constructor(
    private readonly worker: Worker,
    private readonly lockPath: string | undefined,
    /** Connection URL for the `pg` driver. */
    readonly url: string,
  ) {}

  /** `imageDir`: where the in-memory blank-cluster image is kept (the temporary directory). */
  static async start(
    dataDir: string,
    { imageDir }: { imageDir?: string } = {},
  ): Promise<EmbeddedPostgres> {
    const started = Date.now();
    let lockPath: string | undefined;
    let location = IN_MEMORY;
    if (dataDir !== IN_MEMORY) {
      location = resolve(dataDir);
      mkdirSync(location, { recursive: true });
      lockPath = acquireDirectoryLock(location);
    }
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        location,
        blankImage: location === IN_MEMORY ? blankClusterImage(imageDir) : undefined,
        pglite: require.resolve('@electric-sql/pglite'),
        pgliteSocket: require.resolve('@electric-sql/pglite-socket'),
      },
    });
    try {
      const ready = await EmbeddedPostgres.nextMessage(worker);
      if ('error' in ready) throw new Error(`embedded PostgreSQL failed to start: ${ready.error}`);
      if (!('conn' in ready)) throw new Error('embedded PostgreSQL answered out of turn');
      // One connection only: pglite-socket interleaves the protocol messages of concurrent
      // connections (prepared statements break), so the pool in front of it has size 1.
      const url = `postgres://postgres@${ready.conn}/postgres?sslmode=disable`;
      worker.on('error', (error) => EmbeddedPostgres.logger.error(`PGlite worker: ${error.stack}`));
      this.logger.log(
        `Embedded PostgreSQL (PGlite, in a worker thread) ready at ${ready.conn}, data in ${location} (${Date.now() - started} ms)`,
      );
      return new EmbeddedPostgres(worker, lockPath, url);
    } catch (error) {
      await worker.terminate();
      if (lockPath) rmSync(lockPath, { force: true });
      throw error;
    }
  }

  async stop(): Promise<void> {
    try {
      const stopped = EmbeddedPostgres.nextMessage(this.worker);
      this.worker.postMessage('stop');
      await stopped;
    } finally {
      await this.worker.terminate();
      if (this.lockPath) rmSync(this.lockPath, { force: true });
    }
  }

  /** The worker's next message; its exit or error before one is an error. */
  private static nextMessage(worker: Worker): Promise<WorkerMessage> {
    return new Promise((resolvePromise, reject) => {
      const onMessage = (message: WorkerMessage) => settle(() => resolvePromise(message));
      const onError = (error: Error) => settle(() => reject(error));
      const onExit = (code: number) =>
        settle(() => reject(new Error(`the PGlite worker exited (code ${code})`)));
      const settle = (then: () => void) => {
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        then();
      };
      worker.once('message', onMessage).once('error', onError).once('exit', onExit);
    });
  }
}
