import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { BEHAVIOURS } from '../../src/core/behaviours';
import { SlackHarness, TEAM } from '../helpers/slack-harness';
import { addCheck, addReflection, ratings } from '../helpers/weekly';
import { DRIVERS, startedDriver } from './drivers';

/**
 * Issue #14, one truth in every view: for one history at a fixed clock, `trend`, `summary` (and `summary now`), the
 * Slack App Home and the weekly DM, each rendered by the real app over signed HTTP, show the same streak, the same
 * week written the same way, the same means for the same week, and no date in another format.
 */
const USER = 'U1TRUTH';
const ref = { platform: 'slack' as const, tenant: TEAM, user: USER };
// Wednesday 2 December 2026: `summary` reports last week (23–29 Nov), `trend` and `summary now` this week.
const NOW = '2026-12-02T10:00:00Z';

/** The mean shown for each behaviour in a table row ("Context   4.0 …"), by its short name. */
function means(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const b of BEHAVIOURS) {
    const row = new RegExp(`${b.short}\\s+(\\d\\.\\d|–)`).exec(text);
    if (row) out[b.short] = row[1];
  }
  return out;
}
const streakOf = (text: string) => /streak (\d+) weeks?/.exec(text)?.[1];
const ISO_DATE = /\b\d{4}-\d{2}-\d{2}\b/;

describe('one truth: trend, summary, App Home and the weekly DM agree', () => {
  const h = new SlackHarness({ start: '2026-10-01T09:00:00Z' });
  beforeAll(async () => {
    await h.start();
    // The coach joined in October; the history below is theirs.
    await h.command(USER, 'help');
    await h.idle();
    const coach = h.ctx.repos.coaches.find(ref)!;
    addCheck(h.ctx.repos, coach, '2026-11-10', ratings(3)); // week of 9 Nov
    addReflection(h.ctx.repos, coach, '2026-11-18', 'A reflection keeps the week.'); // week of 16 Nov
    addCheck(h.ctx.repos, coach, '2026-11-24', { ...ratings(4), context: 5 }); // week of 23 Nov
    addCheck(h.ctx.repos, coach, '2026-11-26', ratings(4));
    addCheck(h.ctx.repos, coach, '2026-12-01', { ...ratings(2), context: 3 }); // this week
    h.clock.set(NOW);
  });
  afterAll(() => h.stop());

  const dm = async (text: string) => {
    const before = h.dmTexts(USER).length;
    await h.dm(USER, text);
    await h.idle();
    return h.dmTexts(USER).slice(before).join('\n');
  };

  test('the same streak, week, means and date format in all four', async () => {
    const trend = await dm('trend');
    const summary = await dm('summary');
    const soFar = await dm('summary now');

    const before = h.calls('views.publish').length;
    await h.event({ type: 'app_home_opened', user: USER, channel: 'D1TRUTH', tab: 'home', event_ts: '1.1' });
    await h.idle();
    const published = h.calls('views.publish').slice(before);
    expect(published).toHaveLength(1);
    const home = JSON.stringify(published[0].body.view).replace(/\\n/g, '\n');

    const coach = h.ctx.repos.coaches.find(ref)!;
    const weekly = (await h.ctx.trellis.weeklySummaryFor(coach.id, h.clock.now(), { chart: false }))!;
    await h.slack.messenger.sendDirect(coach, weekly, 'weekly:one-truth');
    await h.idle();
    const weeklyDm = h.dmTexts(USER).at(-1)!;

    // Streak: weeks of 30 Nov, 23 Nov, 16 Nov (a reflection) and 9 Nov; 2 Nov had nothing.
    for (const view of [trend, summary, soFar, home, weeklyDm]) expect(streakOf(view)).toBe('4');

    // The weeks, written one way: this week in trend, App Home and "summary now"; last week in summary and the DM.
    for (const view of [trend, soFar, home]) expect(view).toContain('Week of 30 Nov – 6 Dec 2026');
    for (const view of [summary, weeklyDm]) expect(view).toContain('Week of 23–29 Nov 2026 (last week)');
    expect(soFar).toContain('this week so far, to Wed 2 Dec 2026');
    expect(trend).toContain('so far to Wed 2 Dec 2026');

    // Means for the same week agree: this week's in trend, App Home and "summary now"; last week's in summary and DM.
    const thisWeek = {
      Context: '3.0',
      Respect: '2.0',
      Talents: '2.0',
      Empathy: '2.0',
      Feelings: '2.0',
      Openness: '2.0',
    };
    for (const view of [trend, soFar, home]) expect(means(view)).toEqual(thisWeek);
    const lastWeek = {
      Context: '4.5',
      Respect: '4.0',
      Talents: '4.0',
      Empathy: '4.0',
      Feelings: '4.0',
      Openness: '4.0',
    };
    for (const view of [summary, weeklyDm]) expect(means(view)).toEqual(lastWeek);
    // The summary typed and the one the weekly DM carries are the same message.
    expect(weeklyDm).toBe(summary);

    // History (App Home) dates in the same format; no ISO date in any view.
    expect(home).toContain('Tue 1 Dec 2026');
    for (const view of [trend, summary, soFar, home, weeklyDm]) expect(view).not.toMatch(ISO_DATE);
  });
});

describe.each(DRIVERS.map((make) => [make().name, make] as const))('one truth contract: %s', (_name, make) => {
  const driver = startedDriver(make);

  test('trend and "summary now" show the same week, streak and means, in one date format', async () => {
    const d = driver();
    await d.firstContact('agree', '/selfcheck 4 3 5 4 4 2');
    const trend = (await d.send('agree', 'trend')).join('\n');
    const soFar = (await d.send('agree', 'summary now')).join('\n');
    const week = /Week of ([^:,(]+?)[,:]/.exec(trend)?.[1];
    expect(week).toMatch(/\d{1,2}( \w{3})?(–| – )\d{1,2} \w{3} \d{4}/);
    expect(soFar).toContain(`Week of ${week}`);
    expect(streakOf(trend)).toBe('1');
    expect(streakOf(soFar)).toBe('1');
    const expected = {
      Context: '4.0',
      Respect: '3.0',
      Talents: '5.0',
      Empathy: '4.0',
      Feelings: '4.0',
      Openness: '2.0',
    };
    expect(means(trend)).toEqual(expected);
    expect(means(soFar)).toEqual(expected);
    for (const view of [trend, soFar]) expect(view).not.toMatch(ISO_DATE);
  }, 120000);
});
