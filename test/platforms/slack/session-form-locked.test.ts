import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { sessionFormValues } from '../../contract/slack-driver';
import { useLockMoment } from '../../helpers/lock-moment';
import { SlackHarness, viewErrors } from '../../helpers/slack-harness';

/**
 * The session form's submission is stored before the ack (Slack sends it once). Made outside the group commit, that
 * write met the 5 ms busy timeout while another connection (the WAL checkpoint's RESTART) held the lock, and the
 * coach's submission failed. Through the group commit it waits the lock out and is stored once.
 */
describe('Slack session form submitted while the database is locked a moment', () => {
  const h = new SlackHarness({ start: '2026-11-24T12:00:00Z' });
  const lock = useLockMoment(() => h.ctx.config.dbFile);

  beforeAll(() => h.start());
  afterAll(() => h.stop());

  test('the session is stored once the lock is let go, and the modal closes without an error', async () => {
    const coach = 'U9SESSLOCK';
    await h.command(coach, 'session');
    await h.idle();
    const view = h.lastOpenedView();
    const values = sessionFormValues(view, { minutes: '50', paid: 'paid', clientCode: 'L7' });
    lock.holdFor(300);
    const response = await h.submitView(coach, view, values);
    expect(response.status).toBe(200);
    expect(viewErrors(response)).toEqual({});
    await h.idle();
    const stored = h.ctx.db
      .prepare('SELECT count(*) FROM client_sessions s JOIN coaches c ON c.id = s.coach_id WHERE c.user_id = ?')
      .pluck()
      .get(coach);
    expect(stored).toBe(1);
    expect(h.dmTexts(coach).some((t) => t.includes('50 min'))).toBe(true);
  }, 20_000);
});
