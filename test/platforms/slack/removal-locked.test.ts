import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, expect, test } from '@jest/globals';
import { holdLock, type LockHolder } from '../../helpers/lock-holder';
import { SlackHarness } from '../../helpers/slack-harness';

const h = new SlackHarness({ start: '2026-11-24T12:00:00Z' });
let lock: LockHolder | undefined;
beforeAll(() => h.start());
afterEach(async () => {
  await lock?.release();
  lock = undefined;
});
afterAll(() => h.stop());

/**
 * The removal queue while ANOTHER process takes the database lock in the middle of it (chat.delete calls in
 * flight): the marks wait for the lock instead of failing fast as SQLITE_BUSY, nothing is marked failed, and
 * once it is released every message is removed once and the coach is told the count once.
 */
test('a lock taken while removals are in flight: each item removed once, the count sent once', async () => {
  const user = 'U17LOCK';
  for (const text of ['prompt', 'I listened for what was not said.', 'history']) {
    await h.dm(user, text);
    await h.idle();
  }
  const rows = () =>
    h.ctx.db.prepare('SELECT count(*) AS n FROM platform_messages WHERE user_id = ?').get(user) as { n: number };
  const before = rows().n;
  expect(before).toBeGreaterThanOrEqual(3);
  let taken: Promise<LockHolder> | undefined;
  h.fake.respond(async (call) => {
    if (call.method !== 'chat.delete') return undefined;
    taken ??= holdLock(h.ctx.config.dbFile);
    await taken;
    await delay(30);
    return undefined;
  });
  h.fake.clear();
  const pressed = await h.button(user, 'confirm_delete_messages', 'messages');
  expect(pressed.response.status).toBe(200);
  while (!taken) await delay(5);
  lock = await taken;
  await delay(800);
  expect(lock.holding()).toBe(true);
  await lock.release();
  await h.idle();
  const summary = await h.removals();
  expect(summary.slack?.failed ?? 0).toBe(0);
  const deletes = h.calls('chat.delete').map((c) => `${c.body.channel} ${c.body.ts}`);
  expect(new Set(deletes).size).toBe(before);
  expect(deletes).toHaveLength(before);
  expect(rows().n).toBe(0);
  const counts = h.calls('chat.postMessage').filter((c) => /^Trellis removed/.test(String(c.body.text)));
  expect(counts.map((c) => c.body.text)).toEqual([
    `Trellis removed ${before} of its messages and files from this chat.`,
  ]);
}, 30_000);
