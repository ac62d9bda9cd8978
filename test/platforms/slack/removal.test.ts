import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Message } from '../../../src/core/message';
import { SlackHarness } from '../../helpers/slack-harness';

const TEAM = 'T0TEAM';

/**
 * Deletion that reaches Slack: what Trellis posted to a coach (DMs, export files, a weekly chart) is recorded by id,
 * and a delete removes it with chat.delete and files.delete at the fake Web API, then tells the coach the count.
 */
describe('Slack: a delete removes Trellis messages and files from the DM', () => {
  const h = new SlackHarness({ start: '2026-11-24T12:00:00Z' });
  beforeAll(() => h.start());
  afterAll(() => h.stop());

  const refOf = (user: string) => ({ platform: 'slack' as const, tenant: TEAM, user });
  const recorded = (user: string) =>
    h.ctx.db
      .prepare<[string], { kind: string; conversation: string; item_id: string }>(
        'SELECT kind, conversation, item_id FROM platform_messages WHERE user_id = ? ORDER BY id',
      )
      .all(user);
  /** How the fake names what it removed: `channel ts` for a message, the id for a file. */
  const asRemoved = (rows: ReturnType<typeof recorded>) =>
    rows.map((r) => (r.kind === 'file' ? r.item_id : `${r.conversation} ${r.item_id}`)).sort();
  /** Rows, in any table and column, that hold this value. */
  const rowsNaming = (value: string) => {
    const tables = h.ctx.db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .all();
    let n = 0;
    for (const { name } of tables) {
      const columns = h.ctx.db.pragma(`table_info("${name}")`) as { name: string }[];
      for (const c of columns) {
        n += (h.ctx.db.prepare(`SELECT count(*) AS n FROM "${name}" WHERE "${c.name}" = ?`).get(value) as { n: number })
          .n;
      }
    }
    return n;
  };
  const chart: Message = {
    title: 'Your week',
    lines: ['Means this week.'],
    image: { png: new Uint8Array([137, 80, 78, 71]), filename: 'trellis-week.png', alt: 'Weekly means' },
  };

  /** A coach's day: a check-in, the prompt and a reflection in the DM, an export, the weekly summary with its chart. */
  async function day(user: string) {
    for (const send of [
      () => h.command(user, '4 3 5 4 4 2 "a private note"'),
      () => h.dm(user, 'prompt'),
      () => h.dm(user, 'I stayed with the silence this time.'),
      () => h.dm(user, 'export'),
    ]) {
      await send();
      await h.idle(); // in order: the reflection answers the prompt
    }
    const coach = h.ctx.repos.coaches.find(refOf(user))!;
    await h.slack.messenger.sendDirect(coach, chart, `weekly:coach:${coach.id}:2026-11-23`);
    return coach;
  }

  test('a day of DMs, an export and a weekly chart: Delete everything removes each from Slack, then says how many', async () => {
    await day('U8DAY');
    const before = recorded('U8DAY');
    expect(before.filter((r) => r.kind === 'message').length).toBeGreaterThanOrEqual(4);
    expect(before.filter((r) => r.kind === 'file')).toHaveLength(6); // 5 export files and the chart
    // Ids only: nothing of the messages' content is kept.
    expect(JSON.stringify(h.ctx.db.prepare('SELECT * FROM platform_messages').all())).not.toMatch(/silence|note/);

    h.fake.clear();
    const confirmed = await h.button('U8DAY', 'confirm_delete', 'delete');
    expect(confirmed.response.status).toBe(200);
    await h.idle();
    const [answer] = h.responses(confirmed.triggerId);
    const text = String(answer.body.text);
    expect(text).toContain(`Trellis is removing its ${before.length} messages and files from this chat`);
    expect(text).toContain('hover over one, choose More actions, then Delete message');
    expect(text).toContain('retention or compliance archives');
    expect(text).not.toContain('holds nothing more');
    // The App Home tab no longer shows their check-ins and reflections.
    const home = h.calls('views.publish').filter((c) => c.body.user_id === 'U8DAY');
    expect(JSON.stringify(home.at(-1)?.body.view)).toContain('Trellis holds nothing about you now');
    expect(JSON.stringify(home.at(-1)?.body.view)).not.toMatch(/silence|note/);

    const summary = await h.removals();
    expect(summary.slack?.failed).toBe(0);
    expect([...h.fake.removed].sort()).toEqual(asRemoved(before));
    expect(h.calls('chat.delete')).toHaveLength(before.filter((r) => r.kind === 'message').length);
    expect(h.calls('files.delete')).toHaveLength(6);
    // The last word: one plain DM with the count, itself not recorded.
    const last = h.calls('chat.postMessage').filter((c) => c.body.channel === 'D8DAY');
    expect(last.map((c) => c.body.text)).toEqual([
      `Trellis removed ${before.length} of its messages and files from this chat.`,
    ]);
    // Deletion that really deletes: no row anywhere names the coach or their DM any more.
    expect(h.ctx.db.prepare('SELECT count(*) AS n FROM platform_removals').get()).toEqual({ n: 0 });
    expect(rowsNaming('U8DAY')).toBe(0);
    expect(rowsNaming('D8DAY')).toBe(0);
  });

  test('Delete messages only clears the DM of Trellis messages and keeps the journal', async () => {
    const coach = await day('U8MSG');
    const before = recorded('U8MSG');
    h.fake.clear();
    h.fake.removed.length = 0;
    const pressed = await h.button('U8MSG', 'confirm_delete_messages', 'messages');
    await h.idle();
    expect(String(h.responses(pressed.triggerId)[0].body.text)).toContain('Your journal stays as it is.');
    await h.removals();
    expect([...h.fake.removed].sort()).toEqual(asRemoved(before));
    expect(h.ctx.repos.coaches.find(refOf('U8MSG'))?.id).toBe(coach.id);
    expect(h.ctx.repos.selfChecks.count(coach.id)).toBe(1);
    expect(h.ctx.repos.reflections.count(coach.id)).toBe(1);
    expect(recorded('U8MSG')).toEqual([]);
    expect(h.calls('chat.postMessage').map((c) => c.body.text)).toEqual([
      `Trellis removed ${before.length} of its messages and files from this chat.`,
    ]);
  });

  test('typed "delete messages" asks; "delete messages confirm" removes', async () => {
    await h.dm('U8TYP', 'prompt');
    await h.idle();
    // The prompt and, on first contact, the welcome after it.
    expect(recorded('U8TYP')).toHaveLength(2);
    await h.dm('U8TYP', 'delete messages');
    await h.idle();
    expect(h.dmTexts('U8TYP').at(-1)).toContain('delete messages confirm');
    await h.dm('U8TYP', 'delete messages confirm');
    await h.idle();
    await h.removals();
    // The prompt, the welcome and the question went; the answer (sent after the queue was made) stays with the count.
    expect(h.fake.removed.filter((r) => r.startsWith('D8TYP '))).toHaveLength(3);
    expect(h.dmTexts('U8TYP').at(-1)).toBe('Trellis removed 3 of its messages and files from this chat.');
  });

  test('500 and 429 are retried and paced; a message Slack will not delete is counted in the last DM', async () => {
    await day('U8ERR');
    const before = recorded('U8ERR');
    h.fake.clear();
    h.fake.refused.length = 0;
    h.removalWaits.length = 0;
    h.fake.respondOnce('chat.delete', { status: 500, json: { ok: false } });
    h.fake.respondOnce('files.delete', { status: 429, headers: { 'retry-after': '7' }, json: { ok: false } });
    // The last message posted (the chart's text) cannot be deleted, whatever Trellis tries.
    const stuck = before.filter((r) => r.kind === 'message').at(-1)!;
    h.fake.respond((call) =>
      call.method === 'chat.delete' && call.body.ts === stuck.item_id
        ? { json: { ok: false, error: 'cant_delete_message' } }
        : undefined,
    );
    await h.dm('U8ERR', 'delete confirm');
    await h.idle();
    const summary = await h.removals();

    expect(h.fake.refused.map((c) => `${c.method} ${c.response?.status}`).sort()).toEqual([
      'chat.delete 500',
      'files.delete 429',
    ]);
    // The 429's Retry-After was waited out in full; the 500 was retried after a backoff (2 s, with jitter).
    expect(h.removalWaits.some((ms) => ms >= 7000)).toBe(true);
    const retries = h.logLines.filter((l) => l.includes('platform item removal failed; will retry'));
    expect(retries.map((l) => JSON.parse(l).retryInMs)).toEqual([expect.any(Number)]);
    expect(JSON.parse(retries[0]).retryInMs).toBeGreaterThanOrEqual(1000);
    expect(JSON.parse(retries[0]).retryInMs).toBeLessThanOrEqual(3000);
    expect(summary.slack).toMatchObject({ failed: 1 });
    expect(summary.slack?.retried).toBeGreaterThanOrEqual(2);
    const others = before.filter((r) => r !== stuck);
    expect([...h.fake.removed].filter((r) => asRemoved(before).includes(r)).sort()).toEqual(asRemoved(others));
    expect(h.dmTexts('U8ERR').at(-1)).toBe(
      `Trellis removed ${others.length} of its messages and files from this chat. 1 could not be removed: delete it yourself (hover over the message, choose More actions, then Delete message).`,
    );
    // The failure is kept for the admin by its Slack ids only: no user.
    const failed = h.ctx.removals.store.list('failed');
    expect(failed).toEqual([
      expect.objectContaining({ kind: 'message', conversation: 'D8ERR', itemId: stuck.item_id, status: 'failed' }),
    ]);
    expect(rowsNaming('U8ERR')).toBe(0);
  });
});
