import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Platform, Weekday } from '../../src/core/model';
import { conversationReferenceRepository, createRepositories, openDatabase } from '../../src/store';
import { type Delivery, deliveryStore } from '../../src/store/deliveries';
import { testSettings } from '../helpers/settings';

const CHILD = path.join(__dirname, 'send-due-child.ts');
/** tsx's loader (CommonJS and ES module hooks): charts are loaded with a dynamic import, which needs the latter. */
const TSX_LOADER = pathToFileURL(
  path.join(path.dirname(require.resolve('tsx/package.json')), 'dist', 'loader.mjs'),
).href;

/** A sender in its own process (send-due-child.ts), to be killed with SIGKILL. `report()` is its JSON line. */
export function startSender(
  db: string,
  target: { slackUrl?: string; teams?: boolean },
  leaseMs: number,
  /** More of send-due-child.ts's arguments, e.g. { 'catch-up-ms': 4000 }. */
  extra: Record<string, string | number> = {},
): { child: ChildProcess; done: Promise<number | null>; report(): Record<string, number> } {
  const child = spawn(
    process.execPath,
    [
      // tsx as a loader in this very process (its CLI would run the script in a grandchild SIGKILL misses).
      '--import',
      TSX_LOADER,
      CHILD,
      '--db',
      db,
      ...(target.slackUrl ? ['--slack-url', target.slackUrl] : []),
      ...(target.teams ? ['--teams'] : []),
      '--lease-ms',
      String(leaseMs),
      '--concurrency',
      '8',
      ...Object.entries(extra).flatMap(([name, value]) => [`--${name}`, String(value)]),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  let stdout = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  const done = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      if (code) process.stderr.write(stderr);
      resolve(code);
    }),
  );
  return { child, done, report: () => JSON.parse(stdout) as Record<string, number> };
}

/** Polls (no fixed sleep) until `condition` holds. */
export async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const BOT = { id: '28:trellis-bot', name: 'Trellis' };

export interface Seeded {
  coaches: { id: number; user: string }[];
  channels: string[];
  /** When the prompts and digests fell due (ms since the epoch): the seeded minute. */
  dueAt: number;
}

/**
 * Coaches whose daily prompt (and weekly summary) fell due five minutes ago by the real clock, and channels whose
 * digest fell due then too. Teams coaches and channels get the conversation references an install would store.
 */
export function seed(
  file: string,
  o: { platform: Platform; coaches: number; channels: number; checks?: boolean; serviceUrl?: string },
): Seeded {
  const db = openDatabase(file);
  const registeredAt = new Date(Date.now() - 10 * 60_000);
  const repos = createRepositories(db, () => registeredAt);
  const references = conversationReferenceRepository(db, () => registeredAt);
  const due = new Date(Date.now() - 5 * 60_000);
  const time = due.toISOString().slice(11, 16);
  const weekday = (((due.getUTCDay() + 6) % 7) + 1) as Weekday;
  const tenant = o.platform === 'slack' ? 'T0TEAM' : 'tenant-1';
  const serviceUrl = o.serviceUrl ?? '';
  const seeded: Seeded = { coaches: [], channels: [], dueAt: Math.floor(due.getTime() / 60_000) * 60_000 };
  repos.transaction(() => {
    for (let i = 0; i < o.coaches; i++) {
      const user = `U${String(i).padStart(6, '0')}`;
      const coach = repos.coaches.upsert(
        { platform: o.platform, tenant, user },
        testSettings({ promptTime: time, promptDays: [1, 2, 3, 4, 5, 6, 7] }),
      );
      seeded.coaches.push({ id: coach.id, user });
      // A week of check-ins: the weekly summary then carries a chart.
      for (let day = 1; o.checks && day <= 8; day++) {
        const localDate = new Date(due.getTime() - day * 86_400_000).toISOString().slice(0, 10);
        const ratings = { context: 4, respect: 3, talents: 4, empathy: 5, feelings: 3, openness: 4 } as const;
        repos.selfChecks.add({
          coachId: coach.id,
          checkedAt: `${localDate}T10:00:00.000Z`,
          localDate,
          ratings,
          note: null,
        });
      }
      if (o.platform === 'teams') {
        references.save(
          { platform: 'teams', tenant, scope: 'personal', key: user },
          {
            serviceUrl,
            channelId: 'msteams',
            conversation: { id: `a:personal-${user}`, conversationType: 'personal', tenantId: tenant },
            bot: BOT,
            user: { id: `29:${user}` },
          },
        );
      }
    }
    for (let j = 0; j < o.channels; j++) {
      const channelId = o.platform === 'slack' ? `C0PEER${j}` : `19:peers-${j}@thread.tacv2`;
      repos.groups.register({
        platform: o.platform,
        tenant,
        channelId,
        name: `Peers ${j}`,
        digestWeekday: weekday,
        digestTime: time,
        timeZone: 'UTC',
        createdAt: registeredAt.toISOString(),
        createdBy: null,
      });
      seeded.channels.push(channelId);
      if (o.platform === 'teams') {
        references.save(
          { platform: 'teams', tenant, scope: 'channel', key: channelId },
          {
            serviceUrl,
            channelId: 'msteams',
            conversation: { id: channelId, isGroup: true, conversationType: 'channel', tenantId: tenant },
            bot: BOT,
          },
        );
      }
    }
  });
  // They joined a month ago: a weekly summary reports only weeks from the one a coach joined.
  db.prepare('UPDATE coaches SET created_at = ?').run(new Date(Date.now() - 30 * 86_400_000).toISOString());
  db.close();
  return seeded;
}

/** Every outbox row, read from the file after the senders are done. */
export function rows(file: string): Delivery[] {
  const db = openDatabase(file);
  try {
    const ids = db.prepare<[], { recipient: string; kind: string; local_date: string }>(
      'SELECT recipient, kind, local_date FROM deliveries ORDER BY id',
    );
    const store = deliveryStore(db);
    return ids.all().flatMap((r) => store.byKey(r.recipient, r.kind, r.local_date) ?? []);
  } finally {
    db.close();
  }
}

/** Rows a killed sender left between a text and its chart. */
export function leftMidChart(file: string): number {
  const db = openDatabase(file);
  try {
    return (
      db
        .prepare<[], { n: number }>(
          `SELECT count(*) AS n FROM deliveries WHERE status = 'sending' AND stage IN ('posted', 'uploading')`,
        )
        .get()?.n ?? 0
    );
  } finally {
    db.close();
  }
}
