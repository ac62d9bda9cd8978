/**
 * bench/soak: a mixed load for a while with a fixed seed, then the figures that matter for trust:
 * requests served, errors, lost writes (acknowledged but not in the database: must be 0) and resident memory at
 * the start and the end. Throughput of the first and the last fifth of the run are the baseline and the drift.
 *
 *   npm run bench:soak -- [--seconds 120] [--concurrency 8] [--seed 42] [--plain] [--target slack|core] [--quick]
 *                          [--server-heap-mb N]
 *
 * --server-heap-mb runs the server with --max-old-space-size=N (V8's old generation capped at N MB).
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
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { seededRandom } from '../src/core/random';
import { printRow, quick } from './rows';
import type { SoakSlackReport } from './soak-slack-api';

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
  /** Accepted; the coach hears "saved" after the ack (a DM, or the response_url), which the target checks at the end. */
  pending?: boolean;
}

/** Where the load goes. */
interface Target {
  send(op: Op): Promise<SendResult>;
  rss(): Promise<number>;
  /** Keys of pending ops the coach was told were saved, once the server has finished its work (after it stopped). */
  confirmed?(): Promise<Set<string>>;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: args.concurrency });
/** HTTP requests answered (an op may take two: a prompt and its reply, the modal's opening and its submission). */
let httpRequests = 0;

function request(
  port: number,
  method: string,
  urlPath: string,
  body?: unknown,
  raw?: { body: string; headers: Record<string, string> },
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const payload = raw ? Buffer.from(raw.body) : body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string | number> = raw
      ? { ...raw.headers, 'content-length': payload?.length ?? 0 }
      : payload
        ? { 'content-type': 'application/json', 'content-length': payload.length }
        : {};
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: urlPath,
        agent,
        headers,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => {
          httpRequests++;
          resolve({ status: res.statusCode ?? 0, text });
        });
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
    rss: () => serverRss(port),
  };
}

async function serverRss(port: number): Promise<number> {
  const res = await request(port, 'GET', '/bench/rss');
  return (JSON.parse(res.text) as { rss: number }).rss;
}

/** The server's whole process.memoryUsage() (no collection first). */
async function serverMemory(port: number): Promise<Record<string, number>> {
  const res = await request(port, 'GET', '/bench/rss');
  return JSON.parse(res.text) as Record<string, number>;
}

/** The server's live heap after a forced collection (it runs with --expose-gc). */
async function serverLiveHeap(port: number): Promise<number> {
  const res = await request(port, 'GET', '/bench/rss?gc=1');
  return (JSON.parse(res.text) as { heapUsed: number }).heapUsed;
}

const SIGNING_SECRET = 'soak-signing-secret-0123456789abcdef';
const TEAM = 'T0SOAK';

/** Slack's signature headers: v0= HMAC-SHA256 of `v0:<timestamp>:<body>` with the signing secret. */
function signed(body: string, contentType: string): { body: string; headers: Record<string, string> } {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', SIGNING_SECRET).update(`v0:${timestamp}:${body}`).digest('hex');
  return {
    body,
    headers: {
      'content-type': contentType,
      'x-slack-signature': `v0=${signature}`,
      'x-slack-request-timestamp': timestamp,
    },
  };
}

/** A Slack user id for a coach name of the op mix (coach-12 -> UCOACH12). */
const slackUser = (name: string) => `U${name.replace(/[^a-z0-9]/gi, '').toUpperCase()}`;

/**
 * The real Slack adapter on POST /slack/events. Quick check-ins are slash commands (acknowledged in the ack, or on
 * a coach's first contact through response_url); form submissions open the modal (/selfcheck) and submit it
 * (view_submission; the closed modal is the acknowledgement); prompt replies ask for today's prompt in the DM and
 * answer it (message.im events; the "Saved to your journal" DM is the acknowledgement).
 */
function slackTarget(port: number, fakeApi: ChildProcess, apiUrl: string): Target {
  const post = async (body: string, contentType: string) => {
    try {
      return await request(port, 'POST', '/slack/events', undefined, signed(body, contentType));
    } catch {
      return { status: 0, text: '' };
    }
  };
  const FORM_TYPE = 'application/x-www-form-urlencoded';
  const command = (user: string, text: string, triggerId: string) =>
    post(
      new URLSearchParams({
        team_id: TEAM,
        team_domain: 'soak',
        channel_id: `D${user.slice(1)}`,
        channel_name: 'directmessage',
        user_id: user,
        user_name: user.toLowerCase(),
        command: '/selfcheck',
        text,
        api_app_id: 'A0TRELLIS',
        response_url: `${apiUrl}response/${triggerId}`,
        trigger_id: triggerId,
      }).toString(),
      FORM_TYPE,
    );
  const dm = (user: string, text: string, eventId: string) => {
    const ts = `${(Date.now() / 1000).toFixed(6)}`;
    return post(
      JSON.stringify({
        team_id: TEAM,
        api_app_id: 'A0TRELLIS',
        type: 'event_callback',
        event_id: eventId,
        event_time: Math.floor(Date.now() / 1000),
        event: { type: 'message', channel: `D${user.slice(1)}`, channel_type: 'im', user, text, ts, event_ts: ts },
        authorizations: [{ team_id: TEAM, user_id: 'U0BOT', is_bot: true, is_enterprise_install: false }],
      }),
      'application/json',
    );
  };
  const viewSubmission = (user: string, viewId: string, form: { ratings: Record<string, unknown>; note: string }) => {
    const values: Record<string, Record<string, unknown>> = {};
    for (const key of ['context', 'respect', 'talents', 'empathy', 'feelings', 'openness']) {
      const value = form.ratings[key];
      values[key] = {
        rating: {
          type: 'static_select',
          selected_option:
            value === undefined ? null : { value: String(value), text: { type: 'plain_text', text: '' } },
        },
      };
    }
    values.note = { note: { type: 'plain_text_input', value: form.note } };
    return post(
      new URLSearchParams({
        payload: JSON.stringify({
          type: 'view_submission',
          team: { id: TEAM, domain: 'soak' },
          user: { id: user, username: user.toLowerCase(), team_id: TEAM },
          api_app_id: 'A0TRELLIS',
          trigger_id: `${viewId}.t`,
          view: { id: viewId, team_id: TEAM, type: 'modal', callback_id: 'selfcheck', state: { values } },
        }),
      }).toString(),
      FORM_TYPE,
    );
  };
  const SAVED_ACK = /your self-check is saved/;
  // Questions to the fake Web API process, answered by id.
  let askId = 0;
  const answers = new Map<number, (delivered: boolean) => void>();
  fakeApi.on('message', (m: { id?: number; delivered?: boolean }) => {
    if (typeof m.id !== 'number') return;
    answers.get(m.id)?.(m.delivered === true);
    answers.delete(m.id);
  });
  const delivered = (key: string) =>
    new Promise<boolean>((resolve) => {
      const id = ++askId;
      answers.set(id, resolve);
      fakeApi.send({ id, delivered: key });
    });
  /** A coach replies once their prompt has arrived: wait for its DM, bounded (Trellis answers well within this). */
  const promptArrived = async (eventId: string) => {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (await delivered(`reply:${eventId}:0`)) return true;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    return false;
  };
  return {
    async send(op) {
      const user = slackUser(op.user);
      if (op.kind === 'quick') {
        const res = await command(user, op.text.replace(/^\/selfcheck /, ''), op.key);
        if (res.status !== 200) return { ok: false, acknowledged: false };
        // First contact: the answer follows through response_url once Slack's profile is known.
        if (res.text === '') return { ok: true, acknowledged: false, pending: true };
        return { ok: true, acknowledged: SAVED_ACK.test(res.text) };
      }
      if (op.kind === 'form') {
        const open = await command(user, '', `${op.key}.open`);
        if (open.status !== 200) return { ok: false, acknowledged: false };
        const res = await viewSubmission(user, op.key, op.form as { ratings: Record<string, unknown>; note: string });
        // An empty 200 closes the modal: the coach sees it accepted (errors would come back as response_action).
        return { ok: res.status === 200, acknowledged: res.status === 200 && res.text === '' };
      }
      const prompt = await dm(user, 'prompt', `${op.key}.prompt`);
      if (prompt.status !== 200 || !(await promptArrived(`${op.key}.prompt`)))
        return { ok: false, acknowledged: false };
      const res = await dm(user, op.text, op.key);
      return { ok: res.status === 200, acknowledged: false, pending: res.status === 200 };
    },
    rss: () => serverRss(port),
    async confirmed() {
      const report = await new Promise<SoakSlackReport>((resolve) => {
        const onReport = (m: unknown) => {
          if (typeof m !== 'object' || m === null || !('savedTriggers' in m)) return;
          fakeApi.off('message', onReport);
          resolve(m as SoakSlackReport);
        };
        fakeApi.on('message', onReport);
        fakeApi.send('report');
      });
      const keys = new Set(report.savedTriggers);
      for (const key of report.savedDeliveries) {
        const reply = /^reply:(.+):0$/.exec(key);
        if (reply) keys.add(reply[1]);
      }
      return keys;
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
        ...(args.plain ? {} : { TRELLIS_ENCRYPTION_KEY: randomBytes(32).toString('hex') }),
        ...(fakeApi
          ? { SLACK_BOT_TOKEN: 'xoxb-soak-token', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: apiUrl }
          : {}),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const port = Number(/listening (\d+)/.exec(await firstLine(server))?.[1]);
  const target = fakeApi ? slackTarget(port, fakeApi, apiUrl) : coreRouteTarget(port);
  const next = makeOps(args.seed);

  // Warm up briefly so the starting memory is that of a running server, not of a cold one.
  const acknowledged = new Set<string>();
  /** Accepted, the acknowledgement to the coach following after the ack (checked once the server has stopped). */
  const pending = new Set<string>();
  let warmUp = 0;
  for (let i = 0; i < 50; i++) {
    const op = next();
    const result = await target.send(op);
    if (result.acknowledged) acknowledged.add(op.key);
    if (result.pending) pending.add(op.key);
    warmUp++;
  }
  const rssStart = await target.rss();
  const liveStart = await serverLiveHeap(port);

  const latencies: number[] = [];
  const completions: number[] = [];
  let served = 0;
  let errors = 0;
  const requestsAtStart = httpRequests;
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
  await Promise.all(Array.from({ length: args.concurrency }, worker));
  sampling = false;
  await sampler;
  const elapsed = (Date.now() - started) / 1000;
  const requestsServed = httpRequests - requestsAtStart;
  const rssEnd = await target.rss();
  const memoryEnd = await serverMemory(port);
  const liveEnd = await serverLiveHeap(port);
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
  db.close();
  const lost = [...acknowledged].filter((k) => !stored.has(k)).length;
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
  console.log(`acknowledged writes  ${acknowledged.size} (${warmUp} ops in the warm-up)`);
  console.log(`lost writes          ${lost}   (acknowledged but not in the database; must be 0)`);
  console.log(`stored, not acked    ${unacknowledgedButStored}`);
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
  agent.destroy();
  process.exitCode = lost === 0 && errors === 0 ? 0 : args.quick ? 0 : 1;
}

void main();
