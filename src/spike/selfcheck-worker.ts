/**
 * SPIKE (not for merge): the worker thread side. Its own connection and its own core; runs each batch of quick
 * self-checks in one transaction (a savepoint each) and posts the replies back only after COMMIT.
 */
import { parentPort } from 'node:worker_threads';
import { createAppContext } from '../app';
import { loadConfig } from '../config';
import type { CoachRef } from '../core/model';
import type { RequestContext } from '../core/trellis';

interface Job {
  id: number;
  ref: CoachRef;
  text: string;
  ctx: RequestContext;
  hint: RequestContext;
  late: boolean;
}

const app = createAppContext(loadConfig());
app.db.pragma('busy_timeout = 2000');
const begin = app.db.prepare('BEGIN IMMEDIATE');
const commit = app.db.prepare('COMMIT');
const rollback = app.db.prepare('ROLLBACK');
const inSavepoint = app.db.transaction((f: () => unknown) => f());

parentPort?.on('message', (batch: Job[]) => {
  begin.run();
  const out = batch.map((job) => {
    try {
      const value = inSavepoint(() => {
        const reply = app.trellis.runCommand(job.ref, 'selfcheck', job.text, job.ctx);
        let welcome: unknown;
        if (reply.type === 'messages') {
          try {
            welcome = job.late ? 'later' : app.trellis.welcome.once(job.ref, job.hint);
          } catch {
            welcome = 'later';
          }
        }
        return { reply, welcome };
      });
      return { id: job.id, ok: true, value };
    } catch (error) {
      return { id: job.id, ok: false, error: String((error as Error).message) };
    }
  });
  try {
    commit.run();
  } catch (error) {
    if (app.db.inTransaction) rollback.run();
    parentPort?.postMessage(batch.map((j) => ({ id: j.id, ok: false, error: String(error) })));
    return;
  }
  parentPort?.postMessage(out);
});
parentPort?.postMessage('ready');
