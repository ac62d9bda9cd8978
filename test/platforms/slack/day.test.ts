import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { SlackHarness, selfCheckValues, viewErrors } from '../../helpers/slack-harness';

/** One coach's whole day in Slack, over signed HTTP, against the real Bolt app and a fake Web API. */
describe('a coach’s day in Slack', () => {
  const h = new SlackHarness({ start: '2026-11-24T08:00:00Z' });
  const coach = 'U1DAY';
  const ref = { platform: 'slack' as const, tenant: 'T0TEAM', user: coach };

  beforeAll(async () => {
    await h.start();
    // The coach's Slack profile says New York.
    h.fake.respond((call) =>
      call.method === 'users.info' && call.body.user === coach
        ? {
            json: {
              ok: true,
              user: { id: coach, tz: 'America/New_York', real_name: 'Dana Day', profile: { display_name: 'dana' } },
            },
          }
        : undefined,
    );
  });
  afterAll(async () => {
    if (process.env.SHOW_LOG) console.log(h.logLines.join('\n'));
    await h.stop();
  });

  test('auth.test was served by the fake at start', () => {
    expect(h.calls('auth.test')).toHaveLength(1);
  });

  test('/selfcheck opens the modal: six behaviours rated 1–5 with the scale labels or skipped, and a note', async () => {
    const { response, triggerId } = await h.command(coach, '');
    expect(response.status).toBe(200);
    await h.idle();
    expect(h.calls('users.info').map((c) => c.body.user)).toEqual([coach]);
    const open = h.calls('views.open');
    expect(open).toHaveLength(1);
    expect(open[0].body.trigger_id).toBe(triggerId);
    const view = h.lastOpenedView() as { callback_id: string; blocks: Record<string, unknown>[] };
    expect(view.callback_id).toBe('selfcheck');
    const inputs = view.blocks.filter((b) => b.type === 'input');
    expect(inputs.map((b) => b.block_id)).toEqual([
      'context',
      'respect',
      'talents',
      'empathy',
      'feelings',
      'openness',
      'note',
    ]);
    const options = (inputs[0].element as { options: { text: { text: string }; value: string }[] }).options;
    expect(options.map((o) => o.value)).toEqual(['1', '2', '3', '4', '5', '-']);
    expect(options.map((o) => o.text.text)).toEqual([
      '1 · Not yet',
      '2 · Rarely',
      '3 · Sometimes',
      '4 · Often',
      '5 · Consistently',
      'Skip this one',
    ]);
    expect(inputs[6].element).toMatchObject({ type: 'plain_text_input', multiline: true, max_length: 2000 });
    // The time zone came from the Slack profile.
    expect(h.ctx.repos.coaches.find(ref)?.settings.timeZone).toBe('America/New_York');
  });

  test('an invalid submission answers with field errors and stores nothing', async () => {
    const view = h.lastOpenedView();
    const tooLong = await h.submitView(coach, view, selfCheckValues(['4', '3', '5', '4', '4', '2'], 'x'.repeat(2001)));
    expect(tooLong.status).toBe(200);
    expect(tooLong.json?.response_action).toBe('errors');
    expect(viewErrors(tooLong).note).toMatch(/2,001 characters; the limit is 2,000/);
    const allSkipped = await h.submitView(coach, view, selfCheckValues([undefined, '-', undefined, '-', '-', '-']));
    expect(viewErrors(allSkipped).context).toMatch(/Rate at least one/);
    const badValue = await h.submitView(coach, view, selfCheckValues(['9', '3', '5', '4', '4', '2']));
    expect(viewErrors(badValue).context).toMatch(/out of range/);
    await h.idle();
    expect(h.ctx.repos.selfChecks.count()).toBe(0);
  });

  test('a valid submission closes the modal, saves, and DMs an acknowledgement with a tip; a resubmission records nothing twice', async () => {
    const view = h.lastOpenedView();
    const values = selfCheckValues(['4', '3', '5', '4', '4', '2'], 'Felt rushed with my 10am client.');
    const first = await h.submitView(coach, view, values, 'VSUBMIT1');
    expect(first.status).toBe(200);
    expect(first.text).toBe('');
    await h.idle();
    const checks = h.ctx.repos.selfChecks.recent(h.ctx.repos.coaches.find(ref)!.id, 5);
    expect(checks).toHaveLength(1);
    expect(checks[0].ratings).toEqual({ context: 4, respect: 3, talents: 5, empathy: 4, feelings: 4, openness: 2 });
    expect(checks[0].note).toBe('Felt rushed with my 10am client.');
    expect(checks[0].localDate).toBe('2026-11-24'); // 03:00 in New York
    expect(h.calls('conversations.open').map((c) => c.body.users)).toContain(coach);
    const dms = h.dmTexts(coach);
    expect(dms).toHaveLength(1);
    expect(dms[0]).toMatch(/Thanks, your self-check is saved/);
    expect(dms[0]).toMatch(/A tip for openness/);
    expect(dms[0]).not.toMatch(/10am client/); // the note is never echoed

    const again = await h.submitView(coach, view, values, 'VSUBMIT1');
    expect(again.status).toBe(200);
    await h.idle();
    expect(h.ctx.repos.selfChecks.count()).toBe(1);
    expect(h.dmTexts(coach)).toHaveLength(1);
  });

  let issueId = 0;
  test('the daily prompt goes out through SlackMessenger with Reflect, Skip and Snooze buttons', async () => {
    h.clock.set('2026-11-24T14:00:00Z');
    const coachRow = h.ctx.trellis.coach(ref);
    const { issue, reply } = h.ctx.trellis.todaysPrompt(ref);
    issueId = issue.id;
    await h.slack.messenger.sendDirect(coachRow, reply, `prompt:${coachRow.id}:${issue.localDate}`);
    const post = h.calls('chat.postMessage').at(-1)!;
    expect(post.body.channel).toBe('D1DAY');
    expect(post.body.metadata).toEqual({
      event_type: 'trellis_delivery',
      event_payload: { key: `prompt:${coachRow.id}:2026-11-24` },
    });
    const actions = (post.body.blocks as { type: string; elements?: { action_id: string; value: string }[] }[]).find(
      (b) => b.type === 'actions',
    );
    expect(actions?.elements?.map((e) => [e.action_id, e.value])).toEqual([
      ['reflect', String(issue.id)],
      ['skip', String(issue.id)],
      ['snooze', String(issue.id)],
    ]);
    const target = { kind: 'coach', coach: coachRow } as const;
    const since = new Date('2026-11-24T13:55:00Z');
    expect(await h.slack.messenger.wasDelivered(target, `prompt:${coachRow.id}:2026-11-24`, since)).toBe(true);
    expect(await h.slack.messenger.wasDelivered(target, `prompt:${coachRow.id}:2026-11-25`, since)).toBe(false);
  });

  test('a plain reply in the DM is saved as the reflection; Slack’s retry of the same event stores nothing twice', async () => {
    const before = h.dmTexts(coach).length;
    const { response, eventId } = await h.dm(coach, 'When my client went quiet I waited, and she named the fear.');
    expect(response.status).toBe(200);
    await h.idle();
    const coachId = h.ctx.repos.coaches.find(ref)!.id;
    const reflections = h.ctx.repos.reflections.recent(coachId, 5);
    expect(reflections).toHaveLength(1);
    expect(reflections[0].promptIssueId).toBe(issueId);
    expect(h.ctx.repos.promptIssues.byId(issueId)?.status).toBe('answered');
    // The answer, then the welcome: the coach's first typed contact (the modal before it was not interrupted).
    expect(h.dmTexts(coach).slice(before)).toEqual([
      expect.stringMatching(/Saved to your journal/),
      expect.stringMatching(/^Welcome to Trellis/),
    ]);

    for (const retryNum of [1, 2]) {
      const retry = await h.dm(coach, 'When my client went quiet I waited, and she named the fear.', {
        eventId,
        retryNum,
      });
      expect(retry.response.status).toBe(200);
    }
    await h.idle();
    expect(h.ctx.repos.reflections.count()).toBe(1);
    // Retries add nothing: neither the answer nor the welcome comes twice.
    expect(h.dmTexts(coach).slice(before)).toHaveLength(2);
  });

  test('the bot’s own messages and edits in the DM are ignored', async () => {
    const before = h.fake.calls.length;
    await h.event({
      type: 'message',
      channel: 'D1DAY',
      channel_type: 'im',
      user: 'U0BOT',
      bot_id: 'B0BOT',
      text: 'hi',
      ts: '1.1',
    });
    await h.event({
      type: 'message',
      subtype: 'message_changed',
      channel: 'D1DAY',
      channel_type: 'im',
      ts: '1.2',
      message: {},
    });
    await h.idle();
    expect(h.fake.calls.length).toBe(before);
    expect(h.ctx.repos.reflections.count()).toBe(1);
  });

  test('/selfcheck history answers ephemerally in the ack, with the day’s check-in and reflection; no second users.info', async () => {
    const { response } = await h.command(coach, 'history');
    expect(response.status).toBe(200);
    expect(response.json?.response_type).toBe('ephemeral');
    expect(String(response.json?.text)).toMatch(/Recent self-checks[\s\S]*Tue 24 Nov 2026[\s\S]*Recent reflections/);
    await h.idle();
    expect(h.calls('users.info')).toHaveLength(1);
  });

  test('/selfcheck trend and help answer ephemerally; an unknown word gets the core’s clear error', async () => {
    const trend = await h.command(coach, 'trend');
    expect(String(trend.response.json?.text)).toMatch(/Your trend[\s\S]*Context/);
    const help = await h.command(coach, 'help');
    expect(String(help.response.json?.text)).toMatch(/Trellis commands/);
    const unknown = await h.command(coach, 'frobnicate');
    expect(unknown.response.json?.response_type).toBe('ephemeral');
    expect(String(unknown.response.json?.text)).toMatch(/I need six ratings/);
    expect(h.ctx.repos.selfChecks.count()).toBe(1);
  });

  test('the App Home tab shows check-ins, trend sparklines, Check in / Settings buttons and the journal in full', async () => {
    await h.event({ type: 'app_home_opened', user: coach, channel: 'D1DAY', tab: 'home', event_ts: '1.3' });
    await h.idle();
    const publish = h.calls('views.publish').at(-1)!;
    expect(publish.body.user_id).toBe(coach);
    const view = publish.body.view as { type: string; blocks: Record<string, unknown>[] };
    expect(view.type).toBe('home');
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('"action_id":"open_selfcheck"');
    expect(text).toContain('"action_id":"open_settings"');
    expect(text).toMatch(/Recent self-checks/);
    expect(text).toMatch(/[▁▂▃▄▅▆▇█]/);
    // The journal re-reads the note and the reflection whole, where history shows "(note)".
    expect(text).toMatch(/Your journal/);
    expect(text).toContain('Felt rushed with my 10am client.');
    expect(text).toContain('When my client went quiet I waited, and she named the fear.');
    expect(view.blocks.length).toBeLessThanOrEqual(100);
  });
});
