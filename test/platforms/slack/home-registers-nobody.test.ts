import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { SlackHarness } from '../../helpers/slack-harness';

/**
 * Opening Trellis's App Home tab is no request to be stored. Before, it registered whoever opened it (a coaches row
 * with their Slack name and time zone): someone who had never written, and a coach who had just deleted everything.
 */
describe('Slack App Home for someone Trellis holds nothing about', () => {
  const h = new SlackHarness({ start: '2026-11-24T12:00:00Z' });
  beforeAll(() => h.start());
  afterAll(() => h.stop());

  const rows = (user: string) => h.ctx.db.prepare('SELECT count(*) FROM coaches WHERE user_id = ?').pluck().get(user);
  const openHome = async (user: string) => {
    await h.event({ type: 'app_home_opened', user, channel: `D${user.slice(1)}`, tab: 'home', event_ts: '1.1' });
    await h.idle();
    const publish = h
      .calls('views.publish')
      .filter((c) => c.body.user_id === user)
      .at(-1);
    return JSON.stringify((publish?.body.view as { blocks?: unknown } | undefined)?.blocks ?? null);
  };

  test('someone who never wrote sees how to start, and nothing is stored about them', async () => {
    const shown = await openHome('U9NEVERWROTE');
    expect(shown).toContain('Trellis holds nothing about you');
    expect(rows('U9NEVERWROTE')).toBe(0);
  });

  test('a coach who deleted everything is not registered again by opening the tab', async () => {
    const coach = 'U9DELETEDHOME';
    await h.command(coach, '4 3 5 4 4 2');
    await h.idle();
    expect(rows(coach)).toBe(1);
    expect(await openHome(coach)).toMatch(/Recent self-checks/);
    await h.dm(coach, 'delete confirm');
    await h.idle();
    expect(rows(coach)).toBe(0);
    expect(await openHome(coach)).toContain('Trellis holds nothing about you');
    expect(rows(coach)).toBe(0);
  });
});
