import { createRepositories, openDatabase } from '../../src/store';
import { FakeSlackApi } from '../helpers/fake-slack-api';
import { holdLock, type LockHolder } from '../helpers/lock-holder';
import { testSettings } from '../helpers/settings';
import { tempDir } from '../helpers/temp-db';
import { startSender, until } from './crash-helpers';

const COACHES = 6;

/** Coaches whose daily prompt fell due a few minutes ago by the real clock (their first week: no summary yet). */
function seed(file: string): void {
  const db = openDatabase(file);
  const registeredAt = new Date(Date.now() - 10 * 60_000);
  const repos = createRepositories(db, () => registeredAt);
  const promptTime = new Date(Date.now() - 5 * 60_000).toISOString().slice(11, 16);
  repos.transaction(() => {
    for (let i = 0; i < COACHES; i++) {
      repos.coaches.upsert(
        { platform: 'slack', tenant: 'T0TEAM', user: `U${String(i).padStart(6, '0')}` },
        testSettings({ promptTime, promptDays: [1, 2, 3, 4, 5, 6, 7] }),
      );
    }
  });
  db.close();
}

/** The message ids (Slack ts) Trellis holds a removal record of. */
function recorded(file: string): string[] {
  const db = openDatabase(file);
  try {
    return db
      .prepare<[], { item_id: string }>(`SELECT item_id FROM platform_messages WHERE kind = 'message'`)
      .all()
      .map((r) => r.item_id);
  } finally {
    db.close();
  }
}

test('a sender killed after a post but before its mark and record are committed: the restart records the message it finds, and sends nothing twice', async () => {
  const dir = tempDir();
  const file = dir.file('trellis.db');
  const fake = await new FakeSlackApi().start();
  let lock: LockHolder | undefined;
  const allPosts = () => [...fake.posted.values()].flat();
  try {
    seed(file);
    // The first post lands, and before Slack answers it another process takes the database's write lock: the
    // sender cannot commit the post's `sent` mark nor its removal record. It is killed in that window.
    let phase: 'first post' | 'hold the rest' | 'restarted' = 'first post';
    fake.respond(async (call) => {
      if (call.method !== 'chat.postMessage' || phase === 'restarted') return undefined;
      if (phase === 'hold the rest') {
        // Posts already on their way: held unanswered until the kill, so none of them lands.
        return new Promise(() => {});
      }
      phase = 'hold the rest';
      lock = await holdLock(file);
      return undefined;
    });
    const first = startSender(file, { slackUrl: fake.url }, 1_000, { 'settle-ms': 0 });
    await until(() => allPosts().length >= 1, 30_000);
    // Long enough for the answer to arrive and the commit to find the lock (it waits up to a minute for it).
    await new Promise((resolve) => setTimeout(resolve, 500));
    first.child.kill('SIGKILL');
    expect(await first.done).toBeNull();
    await lock?.release();
    const posted = allPosts().map((m) => String(m.ts));
    expect(posted).toHaveLength(1);
    expect(recorded(file)).toEqual([]); // the window: on Slack, and no record of it

    phase = 'restarted';
    const second = startSender(file, { slackUrl: fake.url }, 1_000, { 'settle-ms': 0 });
    expect(await second.done).toBe(0);
    expect(second.report().alreadyDelivered).toBe(1); // looked up and found, not posted again
    const all = allPosts();
    expect(all).toHaveLength(COACHES); // one each: nothing twice, nothing lost
    expect(new Set(all.map((m) => String(m.channel))).size).toBe(COACHES);
    // Every message posted can be removed: the one found by the lookup too.
    expect(recorded(file).sort()).toEqual(all.map((m) => String(m.ts)).sort());
    expect(recorded(file)).toContain(posted[0]);
  } finally {
    await lock?.release();
    await fake.stop();
    dir.cleanup();
  }
}, 120_000);
