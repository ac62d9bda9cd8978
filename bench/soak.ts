/**
 * bench/soak: a mixed load for a while with a fixed seed, then the figures that matter for trust:
 * requests served, errors, lost writes (acknowledged but not in the database: must be 0) and resident memory at
 * the start and the end. Throughput of the first and the last fifth of the run are the baseline and the drift.
 *
 *   npm run bench:soak -- [--seconds 120] [--concurrency 8] [--seed 42] [--plain]
 *
 * The server runs in a child process (bench/soak-server.ts) on a fresh database with encryption on (--plain: off).
 * The load goes through a Target: today the core route (/bench/command); a Slack target that signs slash commands
 * and interactivity payloads for /slack/events can implement the same interface once the adapter has landed.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { seededRandom } from '../src/core/random';

const args = z
  .object({
    seconds: z.coerce.number().int().min(5).max(3600).default(120),
    concurrency: z.coerce.number().int().min(1).max(256).default(8),
    seed: z.coerce.number().int().min(0).default(42),
    plain: z.boolean().default(false),
  })
  .parse(
    parseArgs({
      options: {
        seconds: { type: 'string' },
        concurrency: { type: 'string' },
        seed: { type: 'string' },
        plain: { type: 'boolean' },
      },
    }).values,
  );

/** One step of load: what a coach does, with the key that lets us find it in the database. */
type Op =
  | { kind: 'quick'; user: string; key: string; text: string }
  | { kind: 'form'; user: string; key: string; form: unknown }
  | { kind: 'reply'; user: string; key: string; text: string };

interface SendResult {
  ok: boolean;
  /** The platform told the coach it was saved. */
  acknowledged: boolean;
}

/** Where the load goes. */
interface Target {
  send(op: Op): Promise<SendResult>;
  rss(): Promise<number>;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: args.concurrency });

function request(
  port: number,
  method: string,
  urlPath: string,
  body?: unknown,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: urlPath,
        agent,
        headers: payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {},
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const SAVED = /your self-check is saved|Saved to your journal/;

function coreRouteTarget(port: number): Target {
  const post = async (body: unknown) => {
    try {
      const res = await request(port, 'POST', '/bench/command', body);
      return { ok: res.status === 200, acknowledged: res.status === 200 && SAVED.test(res.text) };
    } catch {
      return { ok: false, acknowledged: false };
    }
  };
  return {
    async send(op) {
      if (op.kind === 'quick') return post({ user: op.user, text: op.text, requestKey: op.key });
      if (op.kind === 'form') return post({ user: op.user, form: op.form, requestKey: op.key });
      const prompt = await post({ user: op.user, text: 'prompt' });
      if (!prompt.ok) return prompt;
      return post({ user: op.user, text: op.text, requestKey: op.key });
    },
    async rss() {
      const res = await request(port, 'GET', '/bench/rss');
      return (JSON.parse(res.text) as { rss: number }).rss;
    },
  };
}

/** The mixed load, deterministic for a seed: 45% quick commands, 30% form submissions, 25% prompt replies. */
function makeOps(seed: number) {
  const random = seededRandom(seed);
  const rating = () => 1 + Math.floor(random() * 5);
  let n = 0;
  return (): Op => {
    n++;
    const key = `soak-${seed}-${n}`;
    const r = random();
    if (r < 0.45) {
      const user = `coach-${Math.floor(random() * 500)}`;
      const ratings: string[] = Array.from({ length: 6 }, () => (random() < 0.1 ? '-' : String(rating())));
      if (!ratings.some((x) => x !== '-')) ratings[0] = '3';
      return { kind: 'quick', user, key, text: `/selfcheck ${ratings.join(' ')} -- note ${key} with a client moment` };
    }
    if (r < 0.75) {
      const user = `coach-${Math.floor(random() * 500)}`;
      return {
        kind: 'form',
        user,
        key,
        form: {
          ratings: { context: String(rating()), respect: rating(), empathy: String(rating()) },
          note: `form ${key}`,
        },
      };
    }
    // A fresh coach per reply: each has today's prompt open exactly once.
    return { kind: 'reply', user: `replier-${n}`, key, text: `reflection ${key}: I noticed the pause and waited.` };
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-soak-'));
  const dbFile = path.join(dir, 'soak.db');
  const tsx = path.resolve(__dirname, '..', 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const server = spawn(process.execPath, [tsx, path.resolve(__dirname, 'soak-server.ts')], {
    env: {
      PATH: process.env.PATH ?? '',
      TRELLIS_DB: dbFile,
      LOG_LEVEL: 'warn',
      ...(args.plain ? {} : { TRELLIS_ENCRYPTION_KEY: randomBytes(32).toString('hex') }),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    server.stdout.setEncoding('utf8');
    server.stdout.on('data', (c: string) => {
      out += c;
      const m = /listening (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    server.once('exit', (code) => reject(new Error(`soak server exited with ${code}`)));
  });
  const target = coreRouteTarget(port);
  const next = makeOps(args.seed);

  // Warm up briefly so the starting memory is that of a running server, not of a cold one.
  const acknowledged = new Set<string>();
  for (let i = 0; i < 50; i++) {
    const op = next();
    if ((await target.send(op)).acknowledged) acknowledged.add(op.key);
  }
  const warmUp = acknowledged.size;
  const rssStart = await target.rss();

  const latencies: number[] = [];
  const completions: number[] = [];
  let served = 0;
  let errors = 0;
  const started = Date.now();
  const until = started + args.seconds * 1000;
  const byKind = { quick: 0, form: 0, reply: 0 };

  async function worker(): Promise<void> {
    while (Date.now() < until) {
      const op = next();
      const t0 = performance.now();
      const result = await target.send(op);
      latencies.push(performance.now() - t0);
      completions.push(Date.now() - started);
      served++;
      byKind[op.kind]++;
      if (result.acknowledged) acknowledged.add(op.key);
      else errors++;
    }
  }
  await Promise.all(Array.from({ length: args.concurrency }, worker));
  const elapsed = (Date.now() - started) / 1000;
  const rssEnd = await target.rss();
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));

  // Lost writes: acknowledged to the coach, yet not in the database.
  const db = new Database(dbFile, { readonly: true });
  const stored = new Set(
    db
      .prepare(
        "SELECT request_key FROM self_checks WHERE request_key LIKE 'soak-%' UNION ALL SELECT request_key FROM reflections WHERE request_key LIKE 'soak-%'",
      )
      .pluck()
      .all() as string[],
  );
  db.close();
  const lost = [...acknowledged].filter((k) => !stored.has(k)).length;
  const unacknowledgedButStored = [...stored].filter((k) => !acknowledged.has(k)).length;

  const fifth = (args.seconds * 1000) / 5;
  const firstFifth = completions.filter((t) => t < fifth).length / (fifth / 1000);
  const lastFifth = completions.filter((t) => t >= args.seconds * 1000 - fifth).length / (fifth / 1000);
  latencies.sort((a, b) => a - b);
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

  console.log(
    `soak: ${args.seconds} s, concurrency ${args.concurrency}, seed ${args.seed}, encryption ${args.plain ? 'off' : 'on'}`,
  );
  console.log(
    `requests served      ${served} in ${elapsed.toFixed(1)} s (${(served / elapsed).toFixed(0)} ops/s; a prompt reply is 2 requests)`,
  );
  console.log(`  by kind            quick ${byKind.quick}, form ${byKind.form}, prompt reply ${byKind.reply}`);
  console.log(`errors               ${errors}`);
  console.log(`acknowledged writes  ${acknowledged.size} (${warmUp} of them in the warm-up)`);
  console.log(`lost writes          ${lost}   (acknowledged but not in the database; must be 0)`);
  console.log(`stored, not acked    ${unacknowledgedButStored}`);
  console.log(
    `latency per op       p50 ${percentile(latencies, 50).toFixed(2)} ms, p99 ${percentile(latencies, 99).toFixed(2)} ms`,
  );
  console.log(
    `throughput baseline  first fifth ${firstFifth.toFixed(0)} ops/s, last fifth ${lastFifth.toFixed(0)} ops/s (ratio ${(lastFifth / firstFifth).toFixed(2)})`,
  );
  console.log(`resident memory      start ${mb(rssStart)} MB, end ${mb(rssEnd)} MB (server process)`);
  fs.rmSync(dir, { recursive: true, force: true });
  agent.destroy();
  process.exitCode = lost === 0 && errors === 0 ? 0 : 1;
}

void main();
