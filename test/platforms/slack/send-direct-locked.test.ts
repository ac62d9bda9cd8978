import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { message } from '../../../src/core/message';
import { listenerKit } from '../../../src/platforms/slack/listener-kit';
import { SlackMessenger } from '../../../src/platforms/slack/messenger';
import { SlackProfiles } from '../../../src/platforms/slack/profiles';
import { inboundEventRepository } from '../../../src/store';
import { useLockMoment } from '../../helpers/lock-moment';
import { SlackHarness, TEAM } from '../../helpers/slack-harness';

/**
 * A DM a listener sends after the ack (kit.sendDirect) first finds the coach, which writes when their Slack profile
 * changed since it was stored. Made outside the group commit, that write met the 5 ms busy timeout while another
 * connection (the WAL checkpoint) held the lock, and the DM was never sent. Through the group commit it waits the
 * lock out and the DM goes, with the new name stored.
 */
describe('Slack DM after the ack while the database is locked a moment', () => {
  const h = new SlackHarness({ start: '2026-11-24T12:00:00Z' });
  const lock = useLockMoment(() => h.ctx.config.dbFile);

  beforeAll(() => h.start());
  afterAll(() => h.stop());

  test('the profile change waits for the lock and the DM is sent once', async () => {
    const ref = { platform: 'slack' as const, tenant: TEAM, user: 'U9DMLOCK' };
    h.ctx.trellis.coach(ref, { displayName: 'Old Name' });
    const kit = listenerKit({
      trellis: h.ctx.trellis,
      messenger: new SlackMessenger('xoxb-test-token', { apiUrl: h.fake.url }),
      profiles: new SlackProfiles(h.ctx.clock, h.ctx.log),
      inbound: inboundEventRepository(h.ctx.db),
      commits: h.ctx.commits,
      clock: h.ctx.clock,
      log: h.ctx.log,
    });
    // Another connection holds the write lock for 300 ms, as the checkpointer's RESTART does for a moment.
    lock.holdFor(300);

    await kit.sendDirect(ref, message('Your answer'), 'dm-lock:1', { displayName: 'New Name' });

    const sent = h.fake.callsTo('chat.postMessage').filter((c) => String(c.body.text).includes('Your answer'));
    expect(sent).toHaveLength(1);
    const stored = h.ctx.db.prepare('SELECT display_name FROM coaches WHERE user_id = ?').pluck().get(ref.user);
    expect(stored).toBe('New Name');
  }, 20_000);
});
