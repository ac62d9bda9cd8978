import path from 'node:path';
import { createRepositories, openDatabase } from '../../src/store';
import { platformMessageStore } from '../../src/store/platform-messages';
import { startScript } from '../helpers/child';
import { FakeSlackApi } from '../helpers/fake-slack-api';
import { testSettings } from '../helpers/settings';
import { tempDir } from '../helpers/temp-db';
import { waitFor } from '../helpers/wait-for';

const ITEMS = 40;
const CHILD = path.join(__dirname, 'remove-child.ts');
const coach = { platform: 'slack' as const, tenant: 'T0TEAM', user: 'U000777' };

/** A deleted coach whose 40 DMs from Trellis are queued for removal, as `/selfcheck delete` leaves them. */
function seedQueuedRemovals(file: string): string[] {
  const db = openDatabase(file);
  const repos = createRepositories(db);
  const store = platformMessageStore(db);
  const settings = testSettings();
  const id = repos.coaches.upsert(coach, settings).id;
  const stamps = Array.from({ length: ITEMS }, (_, i) => `1700000${String(i).padStart(3, '0')}.000100`);
  for (const ts of stamps) store.record({ ...coach, kind: 'message', conversation: 'D000777', itemId: ts });
  repos.transaction(() => {
    store.queueCoach(coach, 'delete', new Date().toISOString());
    repos.privacy.deleteCoach(id, { at: new Date().toISOString(), actor: 'coach' });
  });
  db.close();
  return stamps;
}

function startRemover(db: string, url: string) {
  return startScript(CHILD, ['--db', db, '--slack-url', url, '--lease-ms', '500']);
}

test('a remover killed with SIGKILL halfway and started again removes every message once, then reports once', async () => {
  const dir = tempDir();
  const file = dir.file('trellis.db');
  const fake = await new FakeSlackApi().start();
  try {
    const stamps = seedQueuedRemovals(file);
    fake.posted.set(
      'D000777',
      stamps.map((ts) => ({ ts, type: 'message' })),
    );
    // Slow enough that removals are in flight when the kill lands.
    fake.respond(async (call) => {
      if (call.method === 'chat.delete') await new Promise((resolve) => setTimeout(resolve, 30));
      return undefined;
    });

    const first = startRemover(file, fake.url);
    await waitFor(() => fake.removed.length >= ITEMS / 4, 'a quarter removed', 60_000);
    first.child.kill('SIGKILL');
    expect(await first.done).toBeNull();
    const atKill = fake.removed.length;
    expect(atKill).toBeLessThan(ITEMS);

    const second = startRemover(file, fake.url);
    expect(await second.done).toBe(0);
    const report = JSON.parse(second.stdout()) as { removed: number; gone: number; reported: number };
    expect(report.reported).toBe(1);

    // Every message went, each once: a message removed just before the kill is at most asked again, and then
    // Slack's message_not_found counts it as removed.
    expect([...fake.removed].sort()).toEqual(stamps.map((ts) => `D000777 ${ts}`));
    const asked = new Map<string, number>();
    for (const c of fake.callsTo('chat.delete')) asked.set(String(c.body.ts), (asked.get(String(c.body.ts)) ?? 0) + 1);
    expect([...asked.values()].every((n) => n <= 2)).toBe(true);
    // The second process did only what the first left: the first's removals stayed done.
    expect(report.removed).toBeLessThanOrEqual(ITEMS - atKill);
    // One last message with the count, for all 40 (the first process's removals are counted too).
    const told = fake.callsTo('chat.postMessage').map((c) => c.body.text);
    expect(told).toEqual(['Trellis removed 40 of its messages and files from this chat.']);

    const db = openDatabase(file);
    expect(db.prepare('SELECT count(*) AS n FROM platform_messages').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM platform_removals').get()).toEqual({ n: 0 });
    db.close();
  } finally {
    await fake.stop();
    dir.cleanup();
  }
}, 120_000);
