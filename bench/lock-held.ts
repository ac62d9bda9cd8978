/**
 * bench/lock-held: how long GET /healthz takes while ANOTHER process holds `BEGIN EXCLUSIVE` on Trellis's database
 * and check-ins keep arriving, against the same server with nobody holding the lock, in the same run.
 *
 *   npm run bench:lock-held -- [--requests 200] [--hold-ms 1500]
 *
 * The server of `npm start` (src/server.ts, Teams emulator only, no scheduler) on 127.0.0.1; /healthz is asked
 * `--requests` times one after another (10 ms apart), while every 20 ms a check-in goes through the group commit as a platform
 * sends it. In the locked phase a child process takes the lock, holds it `--hold-ms`, lets go, and takes it again.
 * Before this change a locked write blocked the thread for the 5 s busy timeout, and /healthz with it.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAppContext } from '../src/app';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/log';
import { startServer } from '../src/server';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}
const requests = arg('requests', 200);
const holdMs = arg('hold-ms', 1500);

const HOLDER = `
const Database = require(process.argv[1]);
const db = new Database(process.argv[2]);
db.pragma('busy_timeout = 5000');
const hold = () => { db.exec('BEGIN EXCLUSIVE'); setTimeout(() => { db.exec('COMMIT'); setTimeout(hold, 50); }, Number(process.argv[3])); };
hold();
process.stdout.write('locked\\n');
`;

const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-bench-lock-'));
  const file = path.join(dir, 'trellis.db');
  const app = createAppContext(loadConfig({ TRELLIS_DB: file, TRELLIS_TZ: 'UTC', BOT_EMULATOR: '1' }), {
    log: createLogger('silent'),
  });
  const server = await startServer(app, { port: 0, host: '127.0.0.1', scheduler: false });
  const url = `http://127.0.0.1:${server.port}/healthz`;
  let n = 0;
  const outcomes = { saved: 0, busy: 0 };

  async function phase(locked: boolean) {
    const holder = locked
      ? spawn(process.execPath, ['-e', HOLDER, require.resolve('better-sqlite3'), file, String(holdMs)], {
          stdio: ['ignore', 'pipe', 'inherit'],
        })
      : undefined;
    if (holder) await new Promise((resolve) => holder.stdout?.once('data', resolve));
    const writer = setInterval(() => {
      const ref = { platform: 'teams' as const, tenant: 'bench', user: `u${n++ % 50}` };
      app.commits
        .run(() => app.trellis.runCommand(ref, 'selfcheck', '4 3 5 4 4 2'))
        .then(
          () => outcomes.saved++,
          () => outcomes.busy++,
        );
    }, 20);
    const times: number[] = [];
    for (let i = 0; i < requests; i++) {
      const started = performance.now();
      const res = await fetch(url);
      await res.text();
      times.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    clearInterval(writer);
    holder?.kill();
    return { p50: percentile(times, 0.5), p99: percentile(times, 0.99), max: Math.max(...times) };
  }

  const baseline = await phase(false);
  const locked = await phase(true);
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  console.log(
    `GET /healthz, ${requests} requests, check-ins every 20 ms (this machine may be shared: figures are noisy)`,
  );
  console.log(
    `  nobody holds the lock:          p50 ${ms(baseline.p50)}  p99 ${ms(baseline.p99)}  max ${ms(baseline.max)}`,
  );
  console.log(
    `  another process holds it (${holdMs} ms at a time): p50 ${ms(locked.p50)}  p99 ${ms(locked.p99)}  max ${ms(locked.max)}`,
  );
  console.log(`  check-ins saved ${outcomes.saved}, answered busy ${outcomes.busy}`);
  await server.stop();
  app.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
