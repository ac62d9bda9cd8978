/**
 * bench/soak: a mixed load for a while with a fixed seed, then the figures that matter for trust:
 * requests served, errors, lost writes (acknowledged but not in the database: must be 0) and resident memory at
 * the start and the end. Throughput of the first and the last fifth of the run are the baseline and the drift.
 *
 *   npm run bench:soak -- [--seconds 120] [--concurrency 8] [--seed 42] [--plain] [--target slack|core] [--quick]
 *                          [--server-heap-mb N] [--heap-snapshots-at 60,300]
 *
 * --server-heap-mb runs the server with --max-old-space-size=N (V8's old generation capped at N MB).
 * --heap-snapshots-at takes a heap snapshot of the server (after a forced collection) at those seconds of the run, into
 * SOAK_SNAPSHOT_DIR (else the run's temporary directory, removed at the end); each pauses the server for seconds, so
 * such a run profiles, it does not measure. bench/heap-diff.ts compares two snapshots.
 *
 * --quick (bench:all): 15 s, unless given; the exit code then reports a crash only (errors and lost writes are
 * figures in the table).
 * Resident memory is sampled every 5 s; its growth is counted from the first minute (from the first fifth of a
 * run shorter than 2 minutes) to the end.
 *
 * The server runs in a child process (bench/soak-server.ts) on a fresh database with encryption on (--plain: off);
 * this process generates the load. The default target is Slack: the real Bolt app on POST /slack/events, every request
 * signed as Slack signs it, with the Web API served by a fake in a third process (bench/soak-slack-api.ts) that
 * records what Trellis told each coach after the ack. `--target core` drives the platform-free core route
 * (/bench/command) instead, as before the Slack adapter existed: the same mix, without Bolt and signing.
 *
 * The op mix and the core route are in bench/soak-ops.ts, the Slack target in bench/soak-slack.ts, the HTTP client
 * and the server's memory figures in bench/soak-http.ts; this file runs the load and reports.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { printRow, quick } from './rows';
import { SoakClient } from './soak-http';
import { coreRouteTarget, makeOps, type Op } from './soak-ops';
import { SIGNING_SECRET, slackTarget } from './soak-slack';

const args = z
  .object({
    seconds: z.coerce
      .number()
      .int()
      .min(5)
      .max(3600)
      .default(quick ? 15 : 120),
    concurrency: z.coerce.number().int().min(1).max(256).default(8),
    seed: z.coerce.number().int().min(0).default(42),
    plain: z.boolean().default(false),
    target: z.enum(['slack', 'core']).default('slack'),
    quick: z.boolean().default(false),
    'server-heap-mb': z.coerce.number().int().min(32).max(4096).optional(),
    'heap-snapshots-at': z
      .string()
      .regex(/^\d+(,\d+)*$/, 'seconds, comma-separated')
      .transform((v) => v.split(',').map(Number))
      .default([]),
  })
  .parse(
    parseArgs({
      options: {
        seconds: { type: 'string' },
        concurrency: { type: 'string' },
        seed: { type: 'string' },
        plain: { type: 'boolean' },
        target: { type: 'string' },
        quick: { type: 'boolean' },
        'server-heap-mb': { type: 'string' },
        'heap-snapshots-at': { type: 'string' },
      },
    }).values,
  );

const client = new SoakClient(args.concurrency);

/** The first line a child process prints. */
function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (c: string) => {
      out += c;
      const end = out.indexOf('\n');
      if (end >= 0) resolve(out.slice(0, end).trim());
    });
    child.once('exit', (code) => reject(new Error(`child exited with ${code} before it was ready`)));
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-soak-'));
  const dbFile = path.join(dir, 'soak.db');
  // The fake Slack Web API in a process of its own (Slack target only); its URL is the first line it prints.
  const fakeApi =
    args.target === 'slack'
      ? spawn(
          process.execPath,
          ['--require', require.resolve('tsx/cjs'), path.resolve(__dirname, 'soak-slack-api.ts')],
          {
            stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
          },
        )
      : undefined;
  const apiUrl = fakeApi ? await firstLine(fakeApi) : '';
  const server = spawn(
    process.execPath,
    [
      '--expose-gc',
      ...(args['server-heap-mb'] ? [`--max-old-space-size=${args['server-heap-mb']}`] : []),
      '--require',
      require.resolve('tsx/cjs'),
      path.resolve(__dirname, 'soak-server.ts'),
    ],
    {
      env: {
        PATH: process.env.PATH ?? '',
        TRELLIS_DB: dbFile,
        TRELLIS_TZ: 'UTC',
        LOG_LEVEL: 'warn',
        // glibc's limit on malloc arenas, passed on to the server when set (see "Benchmark: soak" in the README).
        ...(process.env.MALLOC_ARENA_MAX ? { MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX } : {}),
        ...(process.env.SOAK_SNAPSHOT_DIR ? { SOAK_SNAPSHOT_DIR: process.env.SOAK_SNAPSHOT_DIR } : {}),
        ...(args.plain ? {} : { TRELLIS_ENCRYPTION_KEY: randomBytes(32).toString('hex') }),
        ...(fakeApi
          ? { SLACK_BOT_TOKEN: 'xoxb-soak-token', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: apiUrl }
          : {}),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const port = Number(/listening (\d+)/.exec(await firstLine(server))?.[1]);
  const target = fakeApi ? slackTarget(client, port, fakeApi, apiUrl) : coreRouteTarget(client, port);
  const next = makeOps(args.seed);

  // Warm up briefly so the starting memory is that of a running server, not of a cold one.
  const acknowledged = new Set<string>();
  /** Accepted, the acknowledgement to the coach following after the ack (checked once the server has stopped). */
  const pending = new Set<string>();
  /** Each op's kind by key, so a lost write can be named (its key and kind, never anything else). */
  const kindOf = new Map<string, Op['kind']>();
  let warmUp = 0;
  for (let i = 0; i < 50; i++) {
    const op = next();
    kindOf.set(op.key, op.kind);
    const result = await target.send(op);
    if (result.acknowledged) acknowledged.add(op.key);
    if (result.pending) pending.add(op.key);
    warmUp++;
  }
  const rssStart = await target.rss();
  const liveStart = await client.liveHeap(port);

  const latencies: number[] = [];
  const completions: number[] = [];
  let served = 0;
  let errors = 0;
  const requestsAtStart = client.requests;
  const started = Date.now();
  const until = started + args.seconds * 1000;
  const byKind = { quick: 0, form: 0, reply: 0 };
  /** When each op was answered (s into the run), so a lost write can be placed in time. */
  const doneAt = new Map<string, number>();

  async function worker(): Promise<void> {
    while (Date.now() < until) {
      const op = next();
      kindOf.set(op.key, op.kind);
      const t0 = performance.now();
      const result = await target.send(op);
      latencies.push(performance.now() - t0);
      completions.push(Date.now() - started);
      doneAt.set(op.key, (Date.now() - started) / 1000);
      served++;
      byKind[op.kind]++;
      if (result.acknowledged) acknowledged.add(op.key);
      else if (result.pending) pending.add(op.key);
      else errors++;
    }
  }
  // Resident memory over time: every 5 s, and the sample the growth is counted from.
  const rssSamples: { s: number; rss: number }[] = [];
  const settleSeconds = args.seconds >= 120 ? 60 : args.seconds / 5;
  let sampling = true;
  const sampler = (async () => {
    for (let next = 5; sampling; next += 5) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + next * 1000 - Date.now())));
      if (!sampling) break;
      rssSamples.push({ s: (Date.now() - started) / 1000, rss: await target.rss() });
    }
  })();
  const snapshots = args['heap-snapshots-at'].map(async (at) => {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + at * 1000 - Date.now())));
    const res = await client.request(port, 'GET', `/bench/heap-snapshot?at=${at}`);
    console.error(`heap snapshot at ${at} s: ${(JSON.parse(res.text) as { file: string }).file}`);
  });
  await Promise.all(Array.from({ length: args.concurrency }, worker));
  await Promise.all(snapshots);
  // The load's own time, before the sampler's last sleep (up to 5 s) is waited out.
  const elapsed = (Date.now() - started) / 1000;
  sampling = false;
  await sampler;
  const requestsServed = client.requests - requestsAtStart;
  const rssEnd = await target.rss();
  const memoryEnd = await client.memory(port);
  const liveEnd = await client.liveHeap(port);
  // The server finishes what it does after its acks (DMs, response_url answers), then exits.
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  const confirmed = (await target.confirmed?.()) ?? new Set<string>();
  let unconfirmed = 0;
  for (const key of pending) {
    if (confirmed.has(key)) acknowledged.add(key);
    else unconfirmed++;
  }
  errors += unconfirmed;
  fakeApi?.disconnect();

  // Lost writes: acknowledged to the coach, yet not in the database.
  const db = new Database(dbFile, { readonly: true });
  // The Slack adapter keys a write by what Slack sent: slack:command:<trigger id>, slack:view:<view id>,
  // slack:event:<event id>; the load made each of those the op's key.
  const stored = new Set(
    (
      db
        .prepare(
          "SELECT request_key FROM self_checks WHERE request_key LIKE '%soak-%' UNION ALL SELECT request_key FROM reflections WHERE request_key LIKE '%soak-%'",
        )
        .pluck()
        .all() as string[]
    ).map((key) => key.replace(/^slack:(command|view|event):/, '')),
  );
  const lostKeys = [...acknowledged].filter((k) => !stored.has(k));
  // What else the database holds about a lost write: its event claims and any row whose key mentions it.
  const traces = lostKeys.slice(0, 10).map((k) => {
    const claims = db
      .prepare('SELECT event_id, received_at, done_at FROM inbound_events WHERE event_id IN (?, ?)')
      .all(k, `${k}.prompt`);
    const rows = db
      .prepare(
        "SELECT 'self_checks' AS t, request_key FROM self_checks WHERE request_key LIKE ? UNION ALL SELECT 'reflections', request_key FROM reflections WHERE request_key LIKE ?",
      )
      .all(`%${k}%`, `%${k}%`);
    return `${k}: claims ${JSON.stringify(claims)}, rows ${JSON.stringify(rows)}`;
  });
  const integrity = db.pragma('integrity_check', { simple: true });
  db.close();
  const lost = lostKeys.length;
  const unacknowledgedButStored = [...stored].filter((k) => !acknowledged.has(k)).length;

  const fifth = (args.seconds * 1000) / 5;
  const firstFifth = completions.filter((t) => t < fifth).length / (fifth / 1000);
  const lastFifth = completions.filter((t) => t >= args.seconds * 1000 - fifth).length / (fifth / 1000);
  latencies.sort((a, b) => a - b);
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

  console.log(
    `soak: target ${args.target === 'slack' ? 'Slack (POST /slack/events, signed)' : 'core route'}, ${args.seconds} s, concurrency ${args.concurrency}, seed ${args.seed}, encryption ${args.plain ? 'off' : 'on'}`,
  );
  console.log(
    `requests served      ${requestsServed} HTTP requests for ${served} ops in ${elapsed.toFixed(1)} s (${(requestsServed / elapsed).toFixed(0)} req/s, ${(served / elapsed).toFixed(0)} ops/s; a prompt reply and a form are 2 requests each)`,
  );
  console.log(`  by kind            quick ${byKind.quick}, form ${byKind.form}, prompt reply ${byKind.reply}`);
  console.log(
    `errors               ${errors}  (non-200, refused, or never told "saved": ${unconfirmed} of ${pending.size} answered after the ack)`,
  );
  console.log(
    `event retries        ${target.retries?.() ?? 0}  (events answered non-200 and sent again, as Slack does)`,
  );
  console.log(`acknowledged writes  ${acknowledged.size} (${warmUp} ops in the warm-up)`);
  console.log(`lost writes          ${lost}   (acknowledged but not in the database; must be 0)`);
  if (lost > 0) {
    const named = lostKeys
      .slice(0, 10)
      .map(
        (k) =>
          `${k} (${kindOf.get(k) ?? '?'}${pending.has(k) ? ', acked after' : ''}, answered at ${doneAt.get(k)?.toFixed(1) ?? 'warm-up'} s)`,
      );
    console.log(`  which              ${named.join(', ')}${lost > 10 ? ', …' : ''}`);
    for (const trace of traces) console.log(`  in the database    ${trace}`);
  }
  console.log(`stored, not acked    ${unacknowledgedButStored}`);
  console.log(`integrity check      ${String(integrity)}`);
  console.log(
    `latency per op       p50 ${percentile(latencies, 50).toFixed(2)} ms, p99 ${percentile(latencies, 99).toFixed(2)} ms`,
  );
  console.log(
    `throughput baseline  first fifth ${firstFifth.toFixed(0)} ops/s, last fifth ${lastFifth.toFixed(0)} ops/s (ratio ${(lastFifth / firstFifth).toFixed(2)})`,
  );
  console.log(`resident memory      start ${mb(rssStart)} MB, end ${mb(rssEnd)} MB (server process)`);
  console.log(`live heap after GC   start ${mb(liveStart)} MB, end ${mb(liveEnd)} MB (server process)`);
  console.log(
    `memory at the end    V8 heap ${mb(memoryEnd.heapTotal)} MB (${mb(memoryEnd.heapUsed)} used), external ${mb(memoryEnd.external)} MB (${mb(memoryEnd.arrayBuffers)} in ArrayBuffers); the rest of the resident memory is native (SQLite, OpenSSL, malloc arenas)${process.env.MALLOC_ARENA_MAX ? `; MALLOC_ARENA_MAX=${process.env.MALLOC_ARENA_MAX}` : ''}${args['server-heap-mb'] ? `; old space capped at ${args['server-heap-mb']} MB` : ''}`,
  );
  const settledSample = rssSamples.find((x) => x.s >= settleSeconds) ?? { s: 0, rss: rssStart };
  const settled = settledSample.rss;
  const growth = rssEnd / settled - 1;
  console.log(
    `resident over time   ${rssSamples.map((x) => `${x.s.toFixed(0)}s ${mb(x.rss)}`).join(', ')} MB; from ${settledSample.s.toFixed(0)} s to the end ${(growth * 100).toFixed(1)}% (target < 10%)`,
  );
  // Resident memory saw-tooths by tens of MB as V8 collects, so one sample against another mostly measures where in
  // the saw-tooth each fell. Beside the target's figure: the median of the samples over the settle window (as long
  // again as the first part) against the median of the same number of last samples.
  const window = Math.max(1, Math.round(settleSeconds / 5));
  const median = (xs: number[]) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)] ?? 0;
  const after = rssSamples.filter((x) => x.s >= settleSeconds);
  const early = median(after.slice(0, window).map((x) => x.rss));
  const late = median(after.slice(-window).map((x) => x.rss));
  if (after.length >= 2 * window)
    console.log(
      `resident, medians    ${mb(early)} MB over the ${window * 5} s from ${settledSample.s.toFixed(0)} s, ${mb(late)} MB over the last ${window * 5} s: ${((late / early - 1) * 100).toFixed(1)}%`,
    );
  printRow({
    name: `soak: RSS growth after ${settledSample.s.toFixed(0)} s (${args.seconds} s run)`,
    figure: `${mb(rssEnd)} MB`,
    baseline: `${mb(settled)} MB at ${settledSample.s.toFixed(0)} s`,
    ratio: rssEnd / settled,
    target: '< 1.10x',
    met: growth < 0.1,
  });
  printRow({
    name: 'soak: errors + lost writes',
    figure: `${errors} + ${lost}`,
    baseline: `${acknowledged.size} acked`,
    ratio: null,
    target: '0 + 0',
    met: errors === 0 && lost === 0,
  });
  printRow({
    name: 'soak: ops/s, last fifth vs first',
    figure: `${lastFifth.toFixed(0)} ops/s`,
    baseline: `${firstFifth.toFixed(0)} ops/s`,
    ratio: lastFifth / firstFifth,
    target: '',
    met: null,
  });
  fs.rmSync(dir, { recursive: true, force: true });
  client.destroy();
  process.exitCode = lost === 0 && errors === 0 ? 0 : args.quick ? 0 : 1;
}

void main();
