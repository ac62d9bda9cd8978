import type { Platform, Weekday } from '../../src/core/model';
import { conversationReferenceRepository, createRepositories, openDatabase } from '../../src/store';
import { type Delivery, deliveryKey, deliveryStore } from '../../src/store/deliveries';
import { FakeBotConnector } from '../helpers/fake-bot-connector';
import { FakeSlackApi } from '../helpers/fake-slack-api';
import { tempDir } from '../helpers/temp-db';
import { startSender, until } from './crash-helpers';

/**
 * Every kind of send, SIGKILLed mid-run and restarted: Slack channel digests and weekly charts after their text
 * (reconciled through the conversation's history), Teams DMs and channel digests (the Bot Connector has no history
 * to read, so each kind errs the way the README says). test/schedule/crash.test.ts covers Slack DM prompts at scale.
 */

const BOT = { id: '28:trellis-bot', name: 'Trellis' };

interface Seeded {
  coaches: { id: number; user: string }[];
  channels: string[];
}

/**
 * Coaches whose daily prompt (and weekly summary) fell due five minutes ago by the real clock, and channels whose
 * digest fell due then too. Teams coaches and channels get the conversation references an install would store.
 */
function seed(
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
  const seeded: Seeded = { coaches: [], channels: [] };
  repos.transaction(() => {
    for (let i = 0; i < o.coaches; i++) {
      const user = `U${String(i).padStart(6, '0')}`;
      const coach = repos.coaches.upsert(
        { platform: o.platform, tenant, user },
        {
          promptTime: time,
          promptDays: [1, 2, 3, 4, 5, 6, 7],
          timeZone: 'UTC',
          level: null,
          workingToward: null,
          practices: [],
          pausedUntil: null,
        },
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
function rows(file: string): Delivery[] {
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
function leftMidChart(file: string): number {
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

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('Slack: channel digests and charts after their text, killed mid-run and restarted, arrive exactly once', async () => {
  const dir = tempDir();
  const file = dir.file('trellis.db');
  const fake = await new FakeSlackApi().start();
  try {
    const seeded = seed(file, { platform: 'slack', coaches: 30, channels: 20, checks: true });
    // Latency on every step of a send, so the kill finds texts, uploads and completions in flight.
    const latency: Record<string, number> = {
      'chat.postMessage': 40,
      'files.getUploadURLExternal': 30,
      'files.completeUploadExternal': 60,
    };
    fake.respond(async (call) => {
      if (latency[call.method]) await pause(latency[call.method]);
      return undefined;
    });
    const shares = () => [...fake.shared.values()].reduce((n, list) => n + list.length, 0);

    const first = startSender(file, { slackUrl: fake.url }, 1_000);
    await until(() => shares() >= 8, 90_000);
    first.child.kill('SIGKILL');
    expect(await first.done).toBeNull();
    expect(leftMidChart(file)).toBeGreaterThanOrEqual(1);

    // After the restart Slack's history fails at first (500, then 429): never a reason to send again.
    fake.respondOnce('conversations.history', { status: 500, json: { ok: false } }, 3);
    fake.respondOnce(
      'conversations.history',
      { status: 429, headers: { 'retry-after': '1' }, json: { ok: false, error: 'ratelimited' } },
      2,
    );
    const second = startSender(file, { slackUrl: fake.url }, 1_000);
    expect(await second.done).toBe(0);
    expect(second.report().released).toBeGreaterThanOrEqual(1);
    expect(fake.refused.filter((c) => c.method === 'conversations.history').length).toBe(5);

    const all = rows(file);
    expect(all.filter((r) => r.kind === 'prompt')).toHaveLength(30);
    expect(all.filter((r) => r.kind === 'weekly')).toHaveLength(30);
    expect(all.filter((r) => r.kind === 'digest')).toHaveLength(20);
    expect(all.filter((r) => r.status !== 'sent')).toEqual([]);
    // Exactly one message per delivery key: DMs, weekly summaries and channel digests alike.
    const perKey = all.map((r) => [deliveryKey(r), fake.postsWithKey(deliveryKey(r)).length] as const);
    expect(perKey.filter(([, n]) => n !== 1)).toEqual([]);
    // Exactly one chart per weekly summary, none twice in a channel.
    const dm = (user: string) => `D${user.slice(1)}`;
    expect(seeded.coaches.filter((c) => fake.sharedFiles(dm(c.user)).length !== 1)).toEqual([]);
    expect(seeded.channels.filter((c) => fake.sharedFiles(c).length > 1)).toEqual([]);
  } finally {
    await fake.stop();
    dir.cleanup();
  }
}, 180_000);

test('Teams: DMs and channel digests, killed mid-run and restarted, err the documented way', async () => {
  const dir = tempDir();
  const file = dir.file('trellis.db');
  const connector = await new FakeBotConnector({ latencyMs: 40 }).start();
  try {
    const seeded = seed(file, { platform: 'teams', coaches: 60, channels: 20, serviceUrl: connector.url });
    const first = startSender(file, { teams: true }, 1_000);
    await until(() => connector.calls.length >= 45, 90_000);
    first.child.kill('SIGKILL');
    expect(await first.done).toBeNull();

    const second = startSender(file, { teams: true }, 1_000);
    expect(await second.done).toBe(0);
    expect(second.report().released).toBeGreaterThanOrEqual(1);

    const all = rows(file);
    expect(all).toHaveLength(60 * 2 + 20);
    expect(all.filter((r) => r.status !== 'sent')).toEqual([]);
    // The kill landed inside some HTTP calls: those rows are in doubt, and the platform could not say.
    expect(all.filter((r) => r.inDoubt).length).toBeGreaterThanOrEqual(1);

    // DMs, at least once: none lost; a second copy only where the send was in doubt.
    for (const coach of seeded.coaches) {
      const sends = connector.activities((c) => c.conversationId === `a:personal-${coach.user}`);
      const own = all.filter((r) => r.recipient === `coach:${coach.id}`);
      const extra = sends.length - own.length;
      expect({ coach: coach.user, extra: Math.max(0, extra), lost: Math.max(0, -extra) }).toEqual({
        coach: coach.user,
        extra: Math.min(Math.max(0, extra), own.filter((r) => r.inDoubt).length),
        lost: 0,
      });
    }
    // Channel digests, at most once: never twice; a missing one was in doubt.
    for (const channel of seeded.channels) {
      const posts = connector.calls.filter(
        (c) => c.kind === 'create' && (c.body.channelData as { channel?: { id?: string } })?.channel?.id === channel,
      );
      const row = all.find((r) => r.kind === 'digest' && r.recipient.endsWith(`:${channel}`));
      expect(posts.length).toBeLessThanOrEqual(1);
      if (posts.length === 0) expect(row?.inDoubt).toBe(true);
    }
  } finally {
    await connector.stop();
    dir.cleanup();
  }
}, 180_000);
