/** SPIKE (not for merge): the main-thread side. Batches jobs per turn of the event loop, one message each way. */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CoachRef } from '../core/model';
import type { Reply, RequestContext } from '../core/trellis';

type Result = { reply: Reply; welcome: unknown };
interface Pending {
  resolve: (r: Result) => void;
  reject: (e: unknown) => void;
}

let worker: Worker | undefined;
let nextId = 0;
const pending = new Map<number, Pending>();
let queue: unknown[] = [];
let scheduled = false;

function start(): Worker {
  const file = path.join(__dirname, `selfcheck-worker${path.extname(__filename)}`);
  const source = `${file.endsWith('.ts') ? "require('tsx/cjs');" : ''} require(${JSON.stringify(file)});`;
  const w = new Worker(source, { eval: true });
  w.on('message', (m: 'ready' | { id: number; ok: boolean; value?: Result; error?: string }[]) => {
    if (m === 'ready') return;
    for (const r of m) {
      const p = pending.get(r.id);
      pending.delete(r.id);
      if (r.ok) p?.resolve(r.value as Result);
      else p?.reject(new Error(r.error));
    }
  });
  w.unref();
  return w;
}

export const offloadOn = process.env.TRELLIS_SPIKE_WORKER === '1';

export function offloadSelfcheck(job: {
  ref: CoachRef;
  text: string;
  ctx: RequestContext;
  hint: RequestContext;
  late: boolean;
}): Promise<Result> {
  worker ??= start();
  const id = nextId++;
  queue.push({ id, ...job });
  if (!scheduled) {
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      const batch = queue;
      queue = [];
      worker?.postMessage(batch);
    });
  }
  return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
}

if (offloadOn) worker = start();
