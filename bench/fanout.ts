/**
 * bench:fanout: N coaches due in the same minute, sent through a fake Slack Web API on 127.0.0.1 that accepts
 * R chat.postMessage a second and answers 429 + Retry-After beyond it. The fake and the sender each run in
 * their own process. Prints the time to deliver all against the bound N / R, duplicates, losses and the
 * sender's peak resident memory.
 *
 *   npx tsx bench/fanout.ts [--coaches 10000] [--rate 200] [--concurrency 16] [--sender-heap-mb N] [--first-of-week]
 *
 * --sender-heap-mb runs the sender with --max-old-space-size=N (how a memory-capped deployment would run it).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { weekStart } from '../src/core/time';
import { coachRecipient } from '../src/schedule/delivery';
import { createRepositories, openDatabase } from '../src/store';
import { deliveryStore } from '../src/store/deliveries';
import type { FakeReport } from './fake-slack-server';

const options = z
  .object({
    coaches: z.coerce.number().int().min(1).max(100_000).default(10_000),
    rate: z.coerce.number().int().min(1).max(10_000).default(200),
    concurrency: z.coerce.number().int().min(1).max(256).default(16),
    'sender-heap-mb': z.coerce.number().int().min(32).max(4096).optional(),
    'first-of-week': z.boolean().default(false),
  })
  .parse(
    parseArgs({
      options: {
        coaches: { type: 'string' },
        rate: { type: 'string' },
        concurrency: { type: 'string' },
        'sender-heap-mb': { type: 'string' },
        'first-of-week': { type: 'boolean' },
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
function seed(file: string, count: number, firstOfWeek: boolean): void {
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
        { platform: 'slack', tenant: 'T0BENCH', user: `U${String(i).padStart(7, '0')}` },
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

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-fanout-'));
  const file = path.join(dir, 'trellis.db');
  const fake = tsx('fake-slack-server.ts', ['--rate', String(options.rate)], [], true);
  const heapMb = options['sender-heap-mb'];
  try {
    const url = await firstLine(fake);
    seed(file, options.coaches, options['first-of-week']);
    const messages = options.coaches * (options['first-of-week'] ? 2 : 1);
    const sender = tsx(
      '../test/schedule/send-due-child.ts',
      [
        '--db',
        file,
        '--slack-url',
        url,
        '--concurrency',
        String(options.concurrency),
        '--deadline-ms',
        String(Math.ceil((messages / options.rate) * 3000) + 30_000),
      ],
      heapMb ? [`--max-old-space-size=${heapMb}`] : [],
    );
    const result = JSON.parse(await firstLine(sender)) as { ms: number; maxRssKb: number; open: number };
    const report = await new Promise<FakeReport>((resolve) => {
      fake.once('message', (m) => resolve(m as FakeReport));
      fake.send('report');
    });
    const bound = (messages / options.rate) * 1000;
    // Counted per delivery key (carried in each post's metadata): a coach may rightly get a prompt and a summary.
    const duplicates = report.posts - report.keys;
    const losses = messages - report.keys;
    const ratio = result.ms / bound;
    const rssMb = result.maxRssKb / 1024;
    const check = (ok: boolean) => (ok ? 'ok' : 'MISSED');
    console.log(
      `fan-out: ${options.coaches} coaches due at once (${messages} messages), fake Slack accepting ${options.rate} posts/s`,
    );
    console.log(`  bound (N / R)        ${(bound / 1000).toFixed(2)} s`);
    console.log(
      `  delivered all in     ${(result.ms / 1000).toFixed(2)} s  = ${ratio.toFixed(3)}x the bound  (target <= 1.15x: ${check(ratio <= 1.15)})`,
    );
    console.log(
      `  posts                ${report.posts} (${report.keys} distinct deliveries) to ${report.channels} coaches; 429s answered: ${report.rateLimited}`,
    );
    console.log(`  duplicates           ${duplicates}  (target 0: ${check(duplicates === 0)})`);
    console.log(`  losses               ${losses}  (target 0: ${check(losses === 0)})`);
    console.log(
      `  sender peak RSS      ${rssMb.toFixed(0)} MB${heapMb ? ` (old space capped at ${heapMb} MB)` : ''}  (target < 200 MB: ${check(rssMb < 200)})`,
    );
  } finally {
    fake.disconnect();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
