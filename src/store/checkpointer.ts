import { Worker } from 'node:worker_threads';
import type { Logger } from '../core/ports';
import type { Db } from './db';

/**
 * The worker's code, plain JavaScript so it runs the same under node, tsx and jest. It opens its own connection to
 * the file and runs a PASSIVE checkpoint now and then: it copies committed WAL frames into the database file
 * without blocking the server's writers, who restart the WAL once it has all been copied.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
const timer = setInterval(() => {
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    let restarted = false;
    if (result.log >= workerData.restartAtFrames) {
      // Writers that never pause never find the WAL fully copied, so it would grow without end. RESTART holds them
      // back for the few frames written since the PASSIVE pass, and the next write starts the WAL from the top.
      const [restart] = db.pragma('wal_checkpoint(RESTART)');
      restarted = restart.busy === 0;
    }
    parentPort.postMessage({ checkpointed: result.checkpointed, log: result.log, restarted });
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message) });
  }
}, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface BackgroundCheckpoints {
  /** Checkpoints the worker has run so far (for tests and the log). */
  readonly runs: number;
  /** Of those, the ones that also let the WAL start over from the top. */
  readonly restarts: number;
  stop(): Promise<void>;
}

export interface BackgroundCheckpointOptions {
  /** How often the worker checkpoints (default 250 ms). */
  everyMs?: number;
  /**
   * WAL length, in frames (pages), from which a checkpoint also restarts the WAL (default 4,096: 16 MB of 4 KB
   * pages). Under a steady stream of writes the WAL is never found fully copied, and without a restart it grew by
   * about a page per check-in, past 600 MB in a 15-second benchmark.
   */
  restartAtFrames?: number;
}

/**
 * Moves WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside whichever COMMIT crosses
 * 1,000 WAL pages, copying pages and syncing the file while every request waits; on a server that is the slowest
 * request of all. Here the server's connection stops checkpointing and a worker thread with its own connection does
 * it. Durability is unchanged: commits still go to the WAL exactly as before. If the worker fails, the connection
 * checkpoints for itself again.
 */
export function startBackgroundCheckpoints(
  db: Db,
  log: Logger,
  options: BackgroundCheckpointOptions = {},
): BackgroundCheckpoints {
  if (db.memory || db.readonly) return { runs: 0, restarts: 0, stop: () => Promise.resolve() };
  const { everyMs = 250, restartAtFrames = 4096 } = options;
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { file: db.name, driver: require.resolve('better-sqlite3'), everyMs, restartAtFrames },
  });
  worker.unref();
  let runs = 0;
  let restarts = 0;
  let fallenBack = false;
  const fallBack = (reason: string) => {
    if (fallenBack) return;
    fallenBack = true;
    log.warn('background checkpoints stopped; the server checkpoints for itself again', { reason });
    if (db.open) db.pragma('wal_autocheckpoint = 1000');
  };
  worker.on('message', (m: { checkpointed?: number; restarted?: boolean; error?: string }) => {
    if (m.error) log.warn('background checkpoint failed', { reason: m.error });
    else {
      runs += 1;
      if (m.restarted) restarts += 1;
    }
  });
  worker.on('error', (error) => fallBack(error.message));
  let stopping = false;
  const exited = new Promise<void>((resolve) => {
    worker.once('exit', (code) => {
      if (!stopping) fallBack(`worker exited with ${code}`);
      resolve();
    });
  });
  db.pragma('wal_autocheckpoint = 0');
  return {
    get runs() {
      return runs;
    },
    get restarts() {
      return restarts;
    },
    stop: async () => {
      stopping = true;
      worker.ref(); // the process waits for the worker's exit, even when nothing else keeps it alive
      worker.postMessage('stop');
      await exited;
      if (db.open) db.pragma('wal_autocheckpoint = 1000');
    },
  };
}
