/**
 * bench/slack-ack: how fast Trellis acknowledges the quick `/selfcheck 4 3 5 4 4 2` (which writes a self-check to
 * SQLite) compared with a bare Bolt app that only acks the same signed command, in the same run, under the same load.
 *
 *   npm run bench:slack-ack -- [--seconds 10] [--rounds 2] [--connections 50] [--users 50] [--warmup 2] [--quick]
 *                                [--tsx]
 *
 * --quick (bench:all): one round of 3 s per server after a 1 s warm-up, unless given.
 *
 * A second baseline, "bare bolt, tuned", is the same bare app with the conversation store and ignoreSelf off, as
 * Trellis runs Bolt: it shows the cost of Trellis's own work apart from that configuration.
 * Trellis runs as `npm start` runs it: the compiled build (`npm run build`, run first) under the start script's node
 * flags; --tsx runs it from the TypeScript sources under tsx instead. The bare apps are one small file each, under tsx.
 * Each server runs in its own child process on 127.0.0.1 against a fake Slack Web API; the load generator
 * (autocannon) runs in a third process. Every request is correctly signed (fresh timestamp, new trigger id).
 * Target: Trellis at least 0.8x the bare app's requests/s and at most 1.5x its p99 latency.
 * The two servers are measured in alternating rounds (this machine is shared, so load drifts), and each server's
 * CPU time per request is read from /proc: a figure other processes on the machine cannot skew.
 * BENCH_DB_DIR puts the SQLite file elsewhere (e.g. /dev/shm, to take the disk out of the comparison).
 * BENCH_CPU_PROF_DIR=<dir> runs each server with `node --cpu-prof` and leaves its .cpuprofile there (profiling only:
 * the profiler costs CPU, so figures from such a run are not comparable).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase } from '../src/store';
import { FakeSlackApi } from '../test/helpers/fake-slack-api';
import { build, compiled, startFlags } from './as-started';
import { printRow, quick } from './rows';

/** --tsx: run Trellis from its TypeScript sources under tsx (as before the build step) instead of as `npm start` does. */
const fromSources = process.argv.includes('--tsx');

const SECRET = 'bench-signing-secret-0123456789abcdef';
const ROOT = path.resolve(__dirname, '..');

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

const settings = {
  seconds: arg('seconds', quick ? 3 : 10),
  connections: arg('connections', 50),
  users: arg('users', 50),
  warmup: arg('warmup', quick ? 1 : 2),
  rounds: arg('rounds', quick ? 1 : 2),
};

/** User + system CPU time of a process so far, in ms (Linux /proc; undefined elsewhere). */
function cpuMs(pid: number | undefined): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, at USER_HZ = 100
  } catch {
    return undefined;
  }
}

interface Measured extends Load {
  cpuUsPerRequest?: number;
}

/** Sums rounds: requests and 2xx add up, req/s is over the whole time, latency is the median of the rounds. */
function combine(rounds: Measured[]): Measured {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const sum = (f: (r: Measured) => number) => rounds.reduce((a, r) => a + f(r), 0);
  const cpu = rounds.every((r) => r.cpuUsPerRequest !== undefined)
    ? sum((r) => (r.cpuUsPerRequest ?? 0) * r.total) / sum((r) => r.total)
    : undefined;
  return {
    rps: sum((r) => r.rps) / rounds.length,
    total: sum((r) => r.total),
    p50: median(rounds.map((r) => r.p50)),
    p99: median(rounds.map((r) => r.p99)),
    ok: sum((r) => r.ok),
    non2xx: sum((r) => r.non2xx),
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    cpuUsPerRequest: cpu,
  };
}

async function measure(child: ChildProcess, port: number, seconds: number, responseUrl: string): Promise<Measured> {
  const before = cpuMs(child.pid);
  const load = await runLoad(port, seconds, responseUrl);
  const after = cpuMs(child.pid);
  const cpuUsPerRequest =
    before !== undefined && after !== undefined && load.total > 0 ? ((after - before) * 1000) / load.total : undefined;
  return { ...load, cpuUsPerRequest };
}

interface Load {
  rps: number;
  total: number;
  p50: number;
  p99: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

/** Starts a child and resolves with its port once `ready` finds it in a line of its output. */
function startChild(
  file: string,
  nodeArgs: string[],
  env: Record<string, string>,
  stream: 'stdout' | 'stderr',
  ready: (line: string) => number | undefined,
): Promise<{ child: ChildProcess; port: number }> {
  const profile = process.env.BENCH_CPU_PROF_DIR;
  const profiling = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [];
  const child = spawn(process.execPath, [...profiling, ...nodeArgs], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error(`${file} did not start within 30 s`)), 30_000);
    let buffer = '';
    child[stream]?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let nl = buffer.indexOf('\n');
      while (nl >= 0) {
        const port = ready(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
        if (port) {
          clearTimeout(deadline);
          resolve({ child, port });
        }
        nl = buffer.indexOf('\n');
      }
    });
    const other = stream === 'stdout' ? child.stderr : child.stdout;
    other?.resume();
    child.once('exit', (code) => reject(new Error(`${file} exited early with ${code}`)));
  });
}

function runLoad(port: number, seconds: number, responseUrl: string): Promise<Load> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'bench/slack-ack-load.ts',
      `http://127.0.0.1:${port}`,
      String(settings.connections),
      String(seconds),
      String(settings.users),
    ],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', BENCH_RESPONSE_URL: responseUrl },
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  child.stdin.end(SECRET);
  let out = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`load generator exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as Load);
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

async function main() {
  const fake = await new FakeSlackApi({ teamId: 'T0BENCH' }).start();
  const dir = fs.mkdtempSync(path.join(process.env.BENCH_DB_DIR ?? os.tmpdir(), 'trellis-bench-'));
  const dbFile = path.join(dir, 'trellis.db');
  const floorFile = path.join(dir, 'floor.db');
  const children: ChildProcess[] = [];
  try {
    // Trellis as `npm start` runs it (the compiled build under the start script's node flags), or --tsx from sources.
    if (!fromSources) build();
    const trellis = await startChild(
      'src/main.ts',
      fromSources ? ['--import', 'tsx', 'src/main.ts'] : [...startFlags(), compiled('main')],
      {
        TRELLIS_DB: dbFile,
        TRELLIS_TZ: 'UTC',
        SLACK_BOT_TOKEN: 'xoxb-bench',
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: fake.url,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
      },
      'stderr',
      (line) => (line.includes('"msg":"listening"') ? (JSON.parse(line) as { port: number }).port : undefined),
    );
    children.push(trellis.child);
    const startBareBolt = async (tuned: boolean) => {
      const started = await startChild(
        'bench/slack-ack-bare.ts',
        ['--import', 'tsx', 'bench/slack-ack-bare.ts'],
        { SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.url, BARE_TUNED: tuned ? '1' : '0' },
        'stdout',
        (line) => (line.startsWith('READY ') ? Number(line.slice(6)) : undefined),
      );
      children.push(started.child);
      return started;
    };
    const bare = await startBareBolt(false);
    const tuned = await startBareBolt(true);
    const floor = await startChild(
      'bench/slack-ack-floor.ts',
      ['--import', 'tsx', 'bench/slack-ack-floor.ts'],
      { SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.url, FLOOR_DB: floorFile },
      'stdout',
      (line) => (line.startsWith('READY ') ? Number(line.slice(6)) : undefined),
    );
    children.push(floor.child);

    console.log(
      `slack-ack: ${settings.connections} connections, ${settings.seconds} s each (after ${settings.warmup} s warm-up), ${settings.users} coaches, node ${process.version}, ${os.cpus().length} CPUs`,
    );
    const warmTrellis = await runLoad(trellis.port, settings.warmup, fake.url);
    await runLoad(bare.port, settings.warmup, fake.url);
    await runLoad(tuned.port, settings.warmup, fake.url);
    const warmFloor = await runLoad(floor.port, settings.warmup, fake.url);
    const trellisRounds: Measured[] = [];
    const bareRounds: Measured[] = [];
    const tunedRounds: Measured[] = [];
    const floorRounds: Measured[] = [];
    for (let i = 0; i < settings.rounds; i++) {
      trellisRounds.push(await measure(trellis.child, trellis.port, settings.seconds, fake.url));
      bareRounds.push(await measure(bare.child, bare.port, settings.seconds, fake.url));
      tunedRounds.push(await measure(tuned.child, tuned.port, settings.seconds, fake.url));
      floorRounds.push(await measure(floor.child, floor.port, settings.seconds, fake.url));
    }
    const t = combine(trellisRounds);
    const b = combine(bareRounds);
    const bt = combine(tunedRounds);
    const f = combine(floorRounds);
    await stop(trellis.child);
    await stop(floor.child);

    const db = openDatabase(dbFile, { readonly: true });
    const stored = (db.prepare('SELECT count(*) AS n FROM self_checks').get() as { n: number }).n;
    db.close();
    const floorDb = new Database(floorFile, { readonly: true });
    const floorStored = (floorDb.prepare('SELECT count(*) AS n FROM acks').get() as { n: number }).n;
    floorDb.close();

    const row = (name: string, r: Measured) =>
      `${name.padEnd(22)} ${r.rps.toFixed(0).padStart(8)} ${r.p50.toFixed(1).padStart(8)} ${r.p99.toFixed(1).padStart(8)} ${String(r.ok).padStart(8)} ${String(r.non2xx + r.errors + r.timeouts).padStart(7)} ${(r.cpuUsPerRequest?.toFixed(0) ?? '?').padStart(11)}`;
    console.log(
      `${'server'.padEnd(22)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'2xx'.padStart(8)} ${'failed'.padStart(7)} ${'CPU us/req'.padStart(11)}`,
    );
    console.log(row('trellis (SQLite write)', t));
    console.log(row('bare bolt (ack only)', b));
    console.log(row('bare bolt, tuned', bt));
    console.log(row('floor: tuned + write', f));
    const throughput = t.rps / b.rps;
    const p99 = t.p99 / Math.max(b.p99, 0.001);
    console.log(
      `ratios: throughput ${throughput.toFixed(2)}x (target >= 0.8x: ${throughput >= 0.8 ? 'met' : 'MISSED'}), p99 ${p99.toFixed(2)}x (target <= 1.5x: ${p99 <= 1.5 ? 'met' : 'MISSED'})`,
    );
    if (t.cpuUsPerRequest && b.cpuUsPerRequest)
      console.log(`CPU per request: ${(t.cpuUsPerRequest / b.cpuUsPerRequest).toFixed(2)}x the bare app's`);
    // The target is against the bare app as Bolt ships; this one shows what Trellis's own work costs on top of Bolt
    // configured as Trellis configures it (no conversation store, no ignoreSelf).
    console.log(
      `against the tuned bare app: throughput ${(t.rps / bt.rps).toFixed(2)}x, p99 ${(t.p99 / Math.max(bt.p99, 0.001)).toFixed(2)}x${t.cpuUsPerRequest && bt.cpuUsPerRequest ? `, CPU per request ${(t.cpuUsPerRequest / bt.cpuUsPerRequest).toFixed(2)}x` : ''}`,
    );
    console.log(
      `against the floor (tuned app + the durable write, not a target's baseline): throughput ${(t.rps / f.rps).toFixed(2)}x, p99 ${(t.p99 / Math.max(f.p99, 0.001)).toFixed(2)}x${t.cpuUsPerRequest && f.cpuUsPerRequest ? `, CPU per request ${(t.cpuUsPerRequest / f.cpuUsPerRequest).toFixed(2)}x` : ''}; the floor against the tuned app: throughput ${(f.rps / bt.rps).toFixed(2)}x, p99 ${(f.p99 / Math.max(bt.p99, 0.001)).toFixed(2)}x`,
    );
    // Requests still in flight when a run ends are handled but not counted by autocannon: up to one per connection.
    const acked = warmTrellis.ok + t.ok;
    const inFlight = settings.connections * (settings.rounds + 1);
    console.log(
      `self-checks stored: ${stored}; acknowledged and counted: ${acked}; ${stored >= acked && stored - acked <= inFlight ? 'one row per command (the difference is requests in flight at the end of a run)' : 'MISMATCH'}`,
    );
    const floorAcked = warmFloor.ok + f.ok;
    console.log(
      `floor rows stored: ${floorStored}; acknowledged and counted: ${floorAcked}; ${floorStored >= floorAcked && floorStored - floorAcked <= inFlight ? 'one row per command' : 'MISMATCH'}`,
    );
    if (t.non2xx + t.errors + b.non2xx + b.errors + f.non2xx + f.errors > 0)
      console.log('WARNING: some requests failed (see the failed column)');
    const tunedThroughput = t.rps / bt.rps;
    const tunedP99 = t.p99 / Math.max(bt.p99, 0.001);
    printRow({
      name: 'slack-ack: throughput vs tuned bare Bolt',
      figure: `${t.rps.toFixed(0)} req/s`,
      baseline: `${bt.rps.toFixed(0)} req/s`,
      ratio: tunedThroughput,
      target: '>= 0.95x',
      met: tunedThroughput >= 0.95,
    });
    printRow({
      name: 'slack-ack: p99 vs tuned bare Bolt',
      figure: `${t.p99.toFixed(1)} ms`,
      baseline: `${bt.p99.toFixed(1)} ms`,
      ratio: tunedP99,
      target: '<= 1.1x',
      met: tunedP99 <= 1.1,
    });
    printRow({
      name: 'slack-ack: throughput vs bare Bolt',
      figure: `${t.rps.toFixed(0)} req/s`,
      baseline: `${b.rps.toFixed(0)} req/s`,
      ratio: throughput,
      target: '>= 0.8x',
      met: throughput >= 0.8,
    });
    printRow({
      name: 'slack-ack: throughput vs floor (info)',
      figure: `${t.rps.toFixed(0)} req/s`,
      baseline: `${f.rps.toFixed(0)} req/s`,
      ratio: t.rps / f.rps,
      target: 'none (tuned app + the write)',
      met: null,
    });
    printRow({
      name: 'slack-ack: one row per acked command',
      figure: `${stored} rows`,
      baseline: `${acked} acked`,
      ratio: null,
      target: `rows - acked in 0..${inFlight}`,
      met: stored >= acked && stored - acked <= inFlight,
    });
  } finally {
    for (const child of children) await stop(child);
    await fake.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
