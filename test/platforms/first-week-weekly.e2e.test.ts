import { afterEach, describe, expect, test } from '@jest/globals';
import { createScheduler } from '../../src/schedule';
import { FixedClock } from '../helpers/clock';
import { activityText, FakeBotConnector } from '../helpers/fake-bot-connector';
import type { RecordedCall } from '../helpers/fake-slack-api';
import { SlackHarness } from '../helpers/slack-harness';
import { tempDbFile } from '../helpers/temp-db';
import { personalMessage, startTeams } from './teams/harness';

/**
 * Issue #14, first week: no weekly summary for a week that ended before the coach joined, as the scheduler delivers
 * it (the weekly DM goes with the first prompt of the week) through the real Slack and Teams messengers. A coach
 * joins on Monday 7 December 2026 at 08:00 UTC, before that day's 09:00 prompt: Monday's DM brings the prompt and no
 * summary of 30 Nov – 6 Dec; the next Monday's brings the first summary, of the week they joined.
 */
const JOIN = '2026-12-07T08:00:00Z';
const FIRST_MONDAY = '2026-12-07T09:05:00Z';
const CHECK_IN = '2026-12-09T10:00:00Z';
const NEXT_MONDAY = '2026-12-14T09:05:00Z';

describe('first week: no summary of a week before joining, in the DM the scheduler sends', () => {
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (stops.length) await stops.pop()?.();
  });

  test('Slack', async () => {
    const h = await new SlackHarness({ start: JOIN }).start();
    stops.push(() => h.stop());
    const dms = () =>
      (h.fake.calls as RecordedCall[])
        .filter((c) => c.method === 'chat.postMessage' && c.body.channel === 'DNEWCOMER')
        .map((c) => String(c.body.text));
    const run = async (at: string) => {
      h.clock.set(at);
      const before = dms().length;
      await createScheduler(h.ctx, [h.slack.messenger], { sender: { maxWaitMs: 0 } }).runDue(h.clock.now());
      await h.idle();
      return dms().slice(before).join('\n');
    };
    await h.dm('UNEWCOMER', 'help');
    await h.idle();
    const monday = await run(FIRST_MONDAY);
    expect(monday).toContain("Today's reflection");
    expect(monday).not.toMatch(/Your week|weekly summary/i);
    h.clock.set(CHECK_IN);
    await h.command('UNEWCOMER', '4 3 5 4 4 2');
    await h.idle();
    const next = await run(NEXT_MONDAY);
    expect(next).toContain('Your week: 7–13 Dec 2026');
    expect(next).toContain('This is your first weekly summary');
  });

  test('Teams', async () => {
    const connector = await new FakeBotConnector().start();
    const db = tempDbFile();
    const clock = new FixedClock(JOIN);
    const teams = await startTeams({ dbFile: db.file, clock });
    stops.push(async () => {
      await teams.stop();
      await connector.stop();
      db.cleanup();
    });
    const texts = () =>
      connector
        .activities()
        .filter((a) => a.conversationId === 'a:personal-nia')
        .map((a) => activityText(a.body));
    const run = async (at: string) => {
      clock.set(at);
      const before = texts().length;
      await createScheduler(teams.app, [teams.teams.messenger], { sender: { maxWaitMs: 0 } }).runDue(clock.now());
      return texts().slice(before).join('\n');
    };
    await teams.post(personalMessage(connector.url, 'nia', 'help'));
    const monday = await run(FIRST_MONDAY);
    expect(monday).toContain("Today's reflection");
    expect(monday).not.toMatch(/Your week|weekly summary/i);
    clock.set(CHECK_IN);
    await teams.post(personalMessage(connector.url, 'nia', 'selfcheck 4 3 5 4 4 2'));
    const next = await run(NEXT_MONDAY);
    expect(next).toContain('Your week: 7–13 Dec 2026');
    expect(next).toContain('This is your first weekly summary');
  });
});
