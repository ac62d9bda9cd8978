import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { RecordedCall } from '../../helpers/fake-slack-api';
import { useLockMoment } from '../../helpers/lock-moment';
import { SlackHarness } from '../../helpers/slack-harness';

/**
 * A welcome button (the level held) stores the choice after its ack. Made outside the group commit, that write met
 * the 5 ms busy timeout while another connection (the WAL checkpoint's RESTART) held the lock: the listener threw and
 * the coach heard nothing, the press lost. Through the group commit it waits the lock out and is answered.
 */
describe('Slack welcome button pressed while the database is locked a moment', () => {
  const h = new SlackHarness({ start: '2026-11-24T12:00:00Z' });
  const lock = useLockMoment(() => h.ctx.config.dbFile);

  beforeAll(() => h.start());
  afterAll(() => h.stop());

  test('the level is stored once the lock is let go, and the coach is told', async () => {
    const coach = 'U9WELCLOCK';
    await h.command(coach, 'help');
    await h.idle();
    type Element = { action_id?: string; value?: string };
    const button = (h.fake.calls as RecordedCall[])
      .flatMap((c) => ((c.body.blocks ?? []) as { elements?: Element[] }[]).flatMap((b) => b.elements ?? []))
      .find((e) => e.action_id?.startsWith('welcome_level') && e.value === 'ACC');
    expect(button?.action_id).toBeDefined();
    const answered = h.fake.calls.length;
    lock.holdFor(300);
    const { response } = await h.button(coach, button?.action_id ?? '', button?.value);
    expect(response.status).toBe(200);
    await h.idle();
    const told = (h.fake.calls as RecordedCall[]).slice(answered).map((c) => String(c.body.text ?? ''));
    expect(told.some((t) => t.includes('Level set to ACC'))).toBe(true);
    expect(h.ctx.db.prepare('SELECT level FROM coaches WHERE user_id = ?').pluck().get(coach)).toBe('ACC');
  }, 20_000);
});
