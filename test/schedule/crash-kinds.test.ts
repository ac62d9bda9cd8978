import { deliveryKey } from '../../src/store/deliveries';
import { FakeBotConnector } from '../helpers/fake-bot-connector';
import { FakeSlackApi } from '../helpers/fake-slack-api';
import { tempDir } from '../helpers/temp-db';
import { leftMidChart, rows, seed, startSender, until } from './crash-helpers';

/**
 * Every kind of send, SIGKILLed mid-run and restarted: Slack channel digests and weekly charts after their text
 * (reconciled through the conversation's history), Teams DMs and channel digests (the Bot Connector has no history
 * to read, so each kind errs the way the README says). test/schedule/crash.test.ts covers Slack DM prompts at scale,
 * test/schedule/crash-faults.test.ts the same kill and restart under Slack faults (outages, late posts, history limits).
 */

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
