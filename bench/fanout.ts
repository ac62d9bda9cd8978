/**
 * bench:fanout: N coaches due in the same minute, sent through a fake Slack Web API on 127.0.0.1 that accepts
 * R chat.postMessage a second and answers 429 + Retry-After beyond it. The fake and the sender each run in
 * their own process. Prints the time to deliver all against the bound N / R, duplicates, losses and the
 * sender's peak resident memory. Runs twice on the same database: a first sender that learns the platform's rate
 * from its 429s, then (a restart) a second one, for a new batch of coaches, that starts at the rate the first kept.
 *
 *   npx tsx bench/fanout.ts [--coaches 10000 (up to 100000)] [--rate 200] [--concurrency 16] [--sender-heap-mb N]
 *                           [--sender-young-mb N] [--sender-flags "--flag ..."] [--tsx] [--first-of-week] [--quick]
 *
 * --quick (bench:all): 1,000 coaches (a 5 s bound at 200 posts/s), unless given.
 *
 * The sender runs as `npm start`'s server starts it (src/schedule/sender-supervisor.ts's forkSender): the compiled
 * `dist/sender-main.js` (`npm run build`, run first) under the sender's own node flags (SENDER_NODE_FLAGS), once over
 * the outbox (`--until-empty`). --tsx runs it from the TypeScript sources under tsx instead, --sender-flags adds node
 * flags (e.g. "--cpu-prof --cpu-prof-dir=DIR"; give it as --sender-flags=...).
 * --sender-heap-mb runs the sender with --max-old-space-size=N (how a memory-capped deployment would run it), and
 * --sender-young-mb with --max-semi-space-size=N (V8's young generation).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { weekStart } from '../src/core/time';
import { coachRecipient } from '../src/schedule/delivery';
import { forkSender, SENDER_NODE_FLAGS } from '../src/schedule/sender-supervisor';
import { createRepositories, openDatabase } from '../src/store';
import { deliveryStore } from '../src/store/deliveries';
import { build } from './as-started';
import type { FakeReport } from './fake-slack-server';
import { printRow, quick } from './rows';

const options = z
  .object({
    coaches: z.coerce
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(quick ? 1_000 : 10_000),
    rate: z.coerce.number().int().min(1).max(10_000).default(200),
    concurrency: z.coerce.number().int().min(1).max(256).default(16),
    'sender-heap-mb': z.coerce.number().int().min(32).max(4096).optional(),
    'sender-young-mb': z.coerce.number().int().min(1).max(64).optional(),
    'first-of-week': z.boolean().default(false),
    tsx: z.boolean().default(false),
    'sender-flags': z.string().optional(),
    quick: z.boolean().default(false),
  })
  .parse(
    parseArgs({
      options: {
        coaches: { type: 'string' },
        rate: { type: 'string' },
        concurrency: { type: 'string' },
        'sender-heap-mb': { type: 'string' },
        'sender-young-mb': { type: 'string' },
        'first-of-week': { type: 'boolean' },
        tsx: { type: 'boolean' },
        'sender-flags': { type: 'string' },
        quick: { type: 'boolean' },
      },
    }).values,
  );

/** A TypeScript script in its own Node process (tsx as a require hook: no extra loader thread or process). */
const tsx = (script: string, args: string[], nodeFlags: string[] = [], ipc = false): ChildProcess =>
  spawn(
    process.execPath,
    [...nodeFlags, '--require', require.resolve('tsx/cjs'), path.join(__dirname, script), ...args],
    {
      stdio: ['ignore', 'pipe', 'inherit', ...(ipc ? (['ipc'] as const) : [])],
    },
  );

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout?.on('data', (chunk) => {
      buffer += chunk;
      const end = buffer.indexOf('\n');
      if (end >= 0) resolve(buffer.slice(0, end));
    });
    child.on('exit', (code) => reject(new Error(`child exited (${code}) before answering`)));
  });
}

/**
 * Coaches whose prompt fell due five minutes ago, so one run sends to all of them. Their weekly summary for this
 * week counts as sent already (as on every day but the first of a coach's week), so the run sends one message
 * per coach; `--first-of-week` leaves it out and the run sends two (prompt and summary) per coach.
 */
function seed(file: string, count: number, firstOfWeek: boolean, prefix: string): void {
  const db = openDatabase(file);
  const registeredAt = new Date(Date.now() - 10 * 60_000);
  const repos = createRepositories(db, () => registeredAt);
  const outbox = deliveryStore(db);
  const now = registeredAt.toISOString();
  const promptTime = new Date(Date.now() - 5 * 60_000).toISOString().slice(11, 16);
  const week = weekStart(now.slice(0, 10));
  repos.transaction(() => {
    for (let i = 0; i < count; i++) {
      const coach = repos.coaches.upsert(
        { platform: 'slack', tenant: 'T0BENCH', user: `${prefix}${String(i).padStart(7, '0')}` },
        {
          promptTime,
          promptDays: [1, 2, 3, 4, 5, 6, 7],
          timeZone: 'UTC',
          level: null,
          workingToward: null,
          practices: [],
          pausedUntil: null,
        },
      );
      if (firstOfWeek) continue;
      const recipient = coachRecipient(coach.id);
      outbox.enqueue(
        { recipient, coachId: coach.id, platform: 'slack', kind: 'weekly', localDate: week, dueAt: now },
        now,
      );
    }
    if (firstOfWeek) return;
    for (let row = outbox.claimNext('slack', now, 'seed'); row; row = outbox.claimNext('slack', now, 'seed')) {
      outbox.markSent(row.id, 'seed', null, now);
    }
  });
  db.close();
}

interface RunFigures {
  ms: number;
  /** The sender's CPU time (user + system) over the same span. */
  cpuMs: number;
  ratio: number;
  duplicates: number;
  losses: number;
  rssMb: number;
  /** At the sampled peak of resident memory: V8's heap (total, used) and memory outside it that V8 knows of. */
  peak: { rssMb: number; heapTotalMb: number; heapUsedMb: number; externalMb: number };
  rateLimited: number;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-fanout-'));
  const file = path.join(dir, 'trellis.db');
  const fake = tsx('fake-slack-server.ts', ['--rate', String(options.rate)], [], true);
  const heapMb = options['sender-heap-mb'];
  const youngMb = options['sender-young-mb'];
  if (!options.tsx) build();
  const extraFlags = [
    ...(options['sender-flags']?.split(/\s+/).filter(Boolean) ?? []),
    ...(heapMb ? [`--max-old-space-size=${heapMb}`] : []),
    ...(youngMb ? [`--max-semi-space-size=${youngMb}`] : []),
  ];
  const senderFlags = [...SENDER_NODE_FLAGS, ...extraFlags];
  const report = () =>
    new Promise<FakeReport>((resolve) => {
      fake.once('message', (m) => resolve(m as FakeReport));
      fake.send('report');
    });
  const messages = options.coaches * (options['first-of-week'] ? 2 : 1);
  const bound = (messages / options.rate) * 1000;
  /** One sender process over the database: a new batch of coaches due, sent until the outbox is empty. */
  const run = async (prefix: string): Promise<RunFigures> => {
    const before = await report();
    seed(file, options.coaches, options['first-of-week'], prefix);
    const senderArgs = [
      '--db',
      file,
      '--slack-url',
      url,
      '--concurrency',
      String(options.concurrency),
      '--deadline-ms',
      String(Math.ceil((messages / options.rate) * 3000) + 30_000),
    ];
    // As `npm start`'s server starts its sender: the compiled build (npm run build) under the sender's node flags.
    const sender = forkSender(['--until-empty', ...senderArgs], {
      from: options.tsx ? 'src' : 'dist',
      stdout: 'pipe',
      extraFlags,
    });
    const result = JSON.parse(await firstLine(sender)) as {
      ms: number;
      cpuMs: number;
      maxRssKb: number;
      open: number;
      peak: RunFigures['peak'];
    };
    const after = await report();
    const posts = after.posts - before.posts;
    const keys = after.keys - before.keys;
    // Counted per delivery key (carried in each post's metadata): a coach may rightly get a prompt and a summary.
    return {
      ms: result.ms,
      cpuMs: result.cpuMs,
      ratio: result.ms / bound,
      duplicates: posts - keys,
      losses: messages - keys,
      rssMb: result.maxRssKb / 1024,
      peak: result.peak,
      rateLimited: after.rateLimited - before.rateLimited,
    };
  };
  const check = (ok: boolean) => (ok ? 'ok' : 'MISSED');
  const print = (label: string, r: RunFigures) => {
    console.log(`  ${label}`);
    console.log(
      `    delivered all in   ${(r.ms / 1000).toFixed(2)} s  = ${r.ratio.toFixed(3)}x the bound  (target <= 1.03x: ${check(r.ratio <= 1.03)}); 429s answered: ${r.rateLimited}; sender CPU ${(r.cpuMs / 1000).toFixed(2)} s`,
    );
    console.log(`    duplicates         ${r.duplicates}  (target 0: ${check(r.duplicates === 0)})`);
    console.log(`    losses             ${r.losses}  (target 0: ${check(r.losses === 0)})`);
    console.log(
      `    sender peak RSS    ${r.rssMb.toFixed(0)} MB${senderFlags.length ? ` (${senderFlags.join(' ')})` : ''}  (target < 120 MB: ${check(r.rssMb < 120)})`,
    );
    const p = r.peak;
    console.log(
      `    at the sampled peak ${p.rssMb} MB resident: V8 heap ${p.heapUsedMb} MB used of ${p.heapTotalMb} MB, external ${p.externalMb} MB`,
    );
  };
  let url = '';
  try {
    url = await firstLine(fake);
    console.log(
      `fan-out: ${options.coaches} coaches due at once (${messages} messages), fake Slack accepting ${options.rate} posts/s`,
    );
    console.log(`  bound (N / R)        ${(bound / 1000).toFixed(2)} s`);
    const first = await run('U');
    print("first run (a new database: the sender ramps up to the platform's limit)", first);
    const restart = await run('V');
    print('after a restart (the same database: the sender starts at the rate the first run learnt)', restart);
    const n = `${messages} DMs`;
    for (const [label, r] of [
      ['', first],
      [', restarted', restart],
    ] as const) {
      printRow({
        name: `fanout: all delivered (${n}${label})`,
        figure: `${(r.ms / 1000).toFixed(2)} s`,
        baseline: `${(bound / 1000).toFixed(2)} s N/R`,
        ratio: r.ratio,
        target: '<= 1.03x',
        met: r.ratio <= 1.03,
      });
    }
    printRow({
      name: `fanout: duplicates + losses (${n}, both runs)`,
      figure: `${first.duplicates + restart.duplicates} + ${first.losses + restart.losses}`,
      baseline: '',
      ratio: null,
      target: '0 + 0',
      met: first.duplicates + restart.duplicates === 0 && first.losses + restart.losses === 0,
    });
    printRow({
      name: `fanout: sender peak RSS (${n})`,
      figure: `${Math.max(first.rssMb, restart.rssMb).toFixed(0)} MB`,
      baseline: '',
      ratio: null,
      target: '< 120 MB',
      met: Math.max(first.rssMb, restart.rssMb) < 120,
    });
  } finally {
    fake.disconnect();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
