import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Coach } from '../../../src/core/model';
import { SlackMessenger } from '../../../src/platforms/slack/messenger';
import { FakeSlackApi } from '../../helpers/fake-slack-api';
import { addCheck, makeWeeklyTrellis, ratings } from '../../helpers/weekly';

/** The weekly summary in a Slack DM: the text (with its delivery key), then the chart as a file upload. */
describe('Slack: weekly summary with its chart', () => {
  const fake = new FakeSlackApi();
  const t = makeWeeklyTrellis('2027-01-04T09:00:00Z');
  let coach: Coach;
  beforeAll(async () => {
    await fake.start();
    coach = t.trellis.coach({ platform: 'slack', tenant: 'T0TEAM', user: 'U7CHART' });
    addCheck(t.repos, coach, '2026-12-30', ratings(4));
  });
  afterAll(async () => {
    await fake.stop();
    t.close();
  });

  test('posts the text once, then uploads the PNG into the same DM', async () => {
    const messenger = new SlackMessenger('xoxb-test', { apiUrl: fake.url });
    const summary = (await t.trellis.weeklySummaryFor(coach.id, t.clock.now()))!;
    const sent = await messenger.sendDirect(coach, summary, 'weekly:1:2026-12-28');
    expect(sent.imageDelivered).toBe(true);
    const posts = fake.callsTo('chat.postMessage');
    expect(posts).toHaveLength(1);
    expect(posts[0].body.channel).toBe('D7CHART');
    expect(String(posts[0].body.text)).toContain('Your week: 28 Dec 2026 – 3 Jan 2027');
    expect(String(posts[0].body.text)).toContain('[chart: Bar chart');
    const completed = fake.callsTo('files.completeUploadExternal');
    expect(completed).toHaveLength(1);
    expect(completed[0].body.channel_id).toBe('D7CHART');
    expect(JSON.stringify(completed[0].body.files)).toContain('trellis-week-2026-12-28');
    const requested = fake.callsTo('files.getUploadURLExternal');
    expect(Number(requested[0].body.length)).toBe(summary.image!.png.length);
  });

  test('a failed upload is reported, not thrown: the text is not sent again', async () => {
    fake.clear();
    fake.respondOnce('files.getUploadURLExternal', { json: { ok: false, error: 'missing_scope' } });
    const messenger = new SlackMessenger('xoxb-test', { apiUrl: fake.url });
    const summary = (await t.trellis.weeklySummaryFor(coach.id, t.clock.now()))!;
    const sent = await messenger.sendDirect(coach, summary, 'weekly:1:2026-12-28:again');
    expect(sent.imageDelivered).toBe(false);
    expect(sent.messageId).toBeDefined();
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
    expect(fake.callsTo('files.completeUploadExternal')).toHaveLength(0);
  });
});
