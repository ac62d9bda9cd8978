import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { FAILED } from '../../../src/platforms/slack/listener-kit';
import { useLockMoment } from '../../helpers/lock-moment';
import { SlackHarness } from '../../helpers/slack-harness';

/**
 * Issue 18 (the soak's "slack listener failed: storage_unavailable"): a coach's first `/selfcheck` opens the modal,
 * and registering the coach before it opens is a write after the ack. Made outside the group commit, it met the
 * 5 ms busy timeout while the WAL checkpoint held the lock, and the coach was told "nothing was saved" with no form.
 * Through the group commit it waits the lock out (up to 2 s, without blocking) and the form opens.
 */
describe('Slack /selfcheck on first contact while the database is locked a moment', () => {
  const h = new SlackHarness({ start: '2026-11-24T12:00:00Z' });
  const lock = useLockMoment(() => h.ctx.config.dbFile);

  beforeAll(() => h.start());
  afterAll(() => h.stop());

  test('the modal opens once the lock is let go; the coach is registered, never told it failed', async () => {
    const coach = 'U9FORMLOCK';
    // Another connection takes the write lock while Trellis asks Slack for the new coach's profile, and lets it go
    // 300 ms later: after the ack, while the form is being opened.
    h.fake.respond((call) => {
      if (call.method === 'users.info' && call.body.user === coach && !lock.taken) lock.holdFor(300);
      return undefined;
    });
    const { response, triggerId } = await h.command(coach, '');
    expect(response.status).toBe(200);
    await h.idle();
    expect(lock.taken).toBe(true);
    expect(h.fake.callsTo('views.open').filter((c) => c.body.trigger_id === triggerId)).toHaveLength(1);
    const answers = h.fake.callsTo(`response/${triggerId}`).map((c) => String(c.body.text));
    expect(answers.filter((t) => t.includes(FAILED))).toHaveLength(0);
    const registered = h.ctx.db.prepare('SELECT count(*) FROM coaches WHERE user_id = ?').pluck().get(coach);
    expect(registered).toBe(1);
  }, 20_000);
});
