import { createRepositories, openDatabase } from '../../src/store';
import { FakeSlackApi } from '../helpers/fake-slack-api';
import { testSettings } from '../helpers/settings';
import { tempDir } from '../helpers/temp-db';
import { startSender, until } from './crash-helpers';

const COACHES = 300;

/** Registers coaches whose daily prompt fell due a few minutes ago by the real clock. */
function seedDueCoaches(file: string, count: number): string[] {
  const db = openDatabase(file);
  const registeredAt = new Date(Date.now() - 10 * 60_000);
  const repos = createRepositories(db, () => registeredAt);
  const promptTime = new Date(Date.now() - 5 * 60_000).toISOString().slice(11, 16);
  const channels: string[] = [];
  repos.transaction(() => {
    for (let i = 0; i < count; i++) {
      const user = `U${String(i).padStart(6, '0')}`;
      repos.coaches.upsert(
        { platform: 'slack', tenant: 'T0TEAM', user },
        testSettings({ promptTime, promptDays: [1, 2, 3, 4, 5, 6, 7] }),
      );
      channels.push(`D${user.slice(1)}`);
    }
  });
  // They joined a month ago: a weekly summary reports only weeks from the one a coach joined.
  db.prepare('UPDATE coaches SET created_at = ?').run(new Date(Date.now() - 30 * 86_400_000).toISOString());
  db.close();
  return channels;
}

test('a sender killed with SIGKILL mid-fan-out and restarted leaves every coach exactly one prompt', async () => {
  const dir = tempDir();
  const file = dir.file('trellis.db');
  const fake = await new FakeSlackApi().start();
  try {
    const channels = seedDueCoaches(file, COACHES);
    // Slow enough that several sends are always in flight, so the kill lands in the middle of some.
    fake.respond(async (call) => {
      if (call.method === 'chat.postMessage') await new Promise((resolve) => setTimeout(resolve, 40));
      return undefined;
    });
    // Daily prompts only: each coach's first prompt of the week also brings a weekly summary, counted apart.
    const prompts = (channel: string) =>
      (fake.posted.get(channel) ?? []).filter((m) =>
        String((m.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload?.key).startsWith(
          'prompt:',
        ),
      ).length;
    const total = () => channels.reduce((n, c) => n + prompts(c), 0);

    const first = startSender(file, { slackUrl: fake.url }, 1_000);
    await until(() => total() >= COACHES / 3, 60_000);
    first.child.kill('SIGKILL');
    expect(await first.done).toBeNull();
    const atKill = total();
    expect(atKill).toBeLessThan(COACHES);

    const second = startSender(file, { slackUrl: fake.url }, 1_000);
    expect(await second.done).toBe(0);
    // The kill did land mid-send: the restart found rows left 'sending' and settled them.
    expect(second.report().released).toBeGreaterThanOrEqual(1);

    const perCoach = channels.map(prompts);
    expect(perCoach.filter((n) => n === 0)).toHaveLength(0); // none lost
    expect(perCoach.filter((n) => n > 1)).toHaveLength(0); // none twice
    expect(total()).toBe(COACHES);
    const weekly = channels.map((c) => (fake.posted.get(c) ?? []).length - prompts(c));
    expect(weekly.filter((n) => n > 1)).toHaveLength(0); // weekly summaries: never twice either
  } finally {
    await fake.stop();
    dir.cleanup();
  }
}, 120_000);
