import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { SlackHarness, selected, viewErrors } from '../../helpers/slack-harness';

const TEAM = 'T0TEAM';

/** Buttons, the Reflect and settings modals, rate limits and Web API failures, over signed HTTP. */
describe('Slack interactions and failures', () => {
  const h = new SlackHarness({ start: '2026-11-24T12:00:00Z' });
  beforeAll(() => h.start());
  afterAll(() => h.stop());

  const refOf = (user: string) => ({ platform: 'slack' as const, tenant: TEAM, user });

  test('the quick form on first contact: users.info, the write, then the answer in the ack; a retry records once', async () => {
    const { response, triggerId } = await h.command('U2QUICK', '4 3 5 4 4 2 "2 clients cancelled"');
    expect(response.status).toBe(200);
    // The check-in is stored before the ack (Slack does not retry a 200), so the ack itself says it is saved.
    expect(response.json?.response_type).toBe('ephemeral');
    expect(String(response.json?.text)).toMatch(/Thanks, your self-check is saved/);
    await h.idle();
    expect(h.responses(triggerId)).toEqual([]);
    expect(h.calls('users.info').filter((c) => c.body.user === 'U2QUICK')).toHaveLength(1);
    const coach = h.ctx.repos.coaches.find(refOf('U2QUICK'))!;
    expect(coach.settings.timeZone).toBe('Europe/London'); // the fake's profile zone
    expect(h.ctx.repos.selfChecks.recent(coach.id, 5)[0].note).toBe('2 clients cancelled');

    const again = await h.command('U2QUICK', '4 3 5 4 4 2 "2 clients cancelled"', { triggerId });
    expect(again.response.status).toBe(200);
    await h.idle();
    expect(h.ctx.repos.selfChecks.count(coach.id)).toBe(1);
  });

  test('a quick form with a mistake says what to fix and stores nothing', async () => {
    const { response } = await h.command('U2QUICK', '4 3 7 4 4 2');
    expect(response.json?.response_type).toBe('ephemeral');
    expect(String(response.json?.text)).toMatch(/The rating for Talents is out of range/);
    const coach = h.ctx.repos.coaches.find(refOf('U2QUICK'))!;
    expect(h.ctx.repos.selfChecks.count(coach.id)).toBe(1);
  });

  test('users.info failing still lets the coach check in, on the default time zone', async () => {
    h.fake.respondOnce('users.info', { json: { ok: false, error: 'user_not_found' } });
    const { response } = await h.command('U2NOPROF', '3 3 3 3 3 3');
    await h.idle();
    expect(String(response.json?.text)).toMatch(/saved/);
    expect(h.ctx.repos.coaches.find(refOf('U2NOPROF'))?.settings.timeZone).toBe('UTC');
    expect(h.logLines.some((l) => l.includes('users.info failed'))).toBe(true);
  });

  test('users.info slower than its 1 s budget: the check-in is stored and acknowledged without it, the zone filled in later', async () => {
    let answered = false;
    h.fake.respond(async (call) => {
      if (call.method !== 'users.info' || call.body.user !== 'U2SLOWP') return undefined;
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      answered = true;
      return undefined;
    });
    const { response } = await h.command('U2SLOWP', '3 3 3 3 3 3');
    expect(String(response.json?.text)).toMatch(/Thanks, your self-check is saved/);
    // Acknowledged before Slack's profile answered: stored on the default zone, with the check-in already in.
    expect(answered).toBe(false);
    const coach = h.ctx.repos.coaches.find(refOf('U2SLOWP'))!;
    expect(coach.settings.timeZone).toBe('UTC');
    expect(h.ctx.repos.selfChecks.count(coach.id)).toBe(1);
    await h.idle();
    expect(answered).toBe(true);
    expect(h.ctx.repos.coaches.find(refOf('U2SLOWP'))?.settings.timeZone).toBe('Europe/London');
    // The welcome waits for the profile (it is not taken with the check-in's write): it names the zone Slack gave.
    const welcome = h.dmTexts('U2SLOWP').find((t) => t.includes('Welcome to Trellis'));
    expect(welcome).toContain('Europe/London');
    expect(welcome).not.toContain('UTC');
  });

  test('views.open answered 429 + Retry-After: 1 is retried after the wait, and the modal opens', async () => {
    h.fake.respondOnce('views.open', {
      status: 429,
      headers: { 'retry-after': '1' },
      json: { ok: false, error: 'ratelimited' },
    });
    const waitsBefore = h.waits.length;
    const opened = h.calls('views.open').length;
    const { triggerId } = await h.command('U2QUICK', '');
    await h.idle();
    expect(h.waits.slice(waitsBefore)).toEqual([1000]);
    expect(h.fake.refused.filter((c) => c.method === 'views.open')).toHaveLength(1);
    expect(h.calls('views.open')).toHaveLength(opened + 1);
    expect(h.calls('views.open').at(-1)?.body.trigger_id).toBe(triggerId);
  });

  test('views.open rate-limited for longer than a trigger id lives: the coach is told to try again', async () => {
    h.fake.respondOnce('views.open', {
      status: 429,
      headers: { 'retry-after': '30' },
      json: { ok: false, error: 'ratelimited' },
    });
    const opened = h.calls('views.open').length;
    const { triggerId } = await h.command('U2QUICK', '');
    await h.idle();
    expect(h.calls('views.open')).toHaveLength(opened);
    expect(String(h.responses(triggerId)[0]?.body.text)).toMatch(/Slack is busy[\s\S]*\/selfcheck 4 3 5 4 4 2/);
  });

  test('views.open failing (expired trigger) tells the coach too', async () => {
    h.fake.respondOnce('views.open', { json: { ok: false, error: 'expired_trigger_id' } });
    const { triggerId } = await h.command('U2QUICK', '');
    await h.idle();
    expect(String(h.responses(triggerId)[0]?.body.text)).toMatch(/Slack is busy/);
  });

  test('a DM answered 429 + Retry-After waits and is posted exactly once', async () => {
    const coach = 'U2RATE';
    await h.command(coach, '');
    await h.idle();
    const view = h.lastOpenedView();
    h.fake.respondOnce('chat.postMessage', {
      status: 429,
      headers: { 'retry-after': '2' },
      json: { ok: false, error: 'ratelimited' },
    });
    const waitsBefore = h.waits.length;
    const values: Record<string, Record<string, unknown>> = { context: { rating: selected('2') } };
    const res = await h.submitView(coach, view, values);
    expect(res.status).toBe(200);
    await h.idle();
    expect(h.waits.slice(waitsBefore)).toEqual([2000]);
    expect(h.dmTexts(coach)).toEqual([expect.stringMatching(/Thanks, your self-check is saved/)]);
  });

  test('Reflect opens a modal with the prompt; an empty reflection is a field error; a real one is saved once', async () => {
    const coach = 'U2REFL';
    const { issue, prompt } = h.ctx.trellis.todaysPrompt(refOf(coach));
    const { triggerId } = await h.button(coach, 'reflect', String(issue.id));
    await h.idle();
    const openCall = h.calls('views.open').at(-1)!;
    expect(openCall.body.trigger_id).toBe(triggerId);
    const view = openCall.body.view as Record<string, unknown>;
    expect(view.callback_id).toBe('reflect');
    expect(view.private_metadata).toBe(String(issue.id));
    expect(JSON.stringify(view.blocks)).toContain(JSON.stringify(prompt.text).slice(1, -1));

    const empty = await h.submitView(coach, view, { reflection: { text: { type: 'plain_text_input', value: '   ' } } });
    expect(viewErrors(empty).reflection).toMatch(/empty/);
    const text = {
      reflection: { text: { type: 'plain_text_input', value: 'I asked before going into the hard topic.' } },
    };
    const ok = await h.submitView(coach, view, text, 'VREFLECT1');
    expect(ok.status).toBe(200);
    await h.submitView(coach, view, text, 'VREFLECT1');
    await h.idle();
    const coachId = h.ctx.repos.coaches.find(refOf(coach))!.id;
    expect(h.ctx.repos.reflections.count(coachId)).toBe(1);
    expect(h.ctx.repos.reflections.recent(coachId, 1)[0].promptIssueId).toBe(issue.id);
    expect(h.ctx.repos.promptIssues.byId(issue.id)?.status).toBe('answered');
    expect(h.dmTexts(coach)).toEqual([expect.stringMatching(/Saved to your journal/)]);
  });

  test("Reflect's text box stops at Slack's 3,000 characters and says so; a longer reflection by DM reply is kept whole", async () => {
    const coach = 'U2LONG';
    const { issue } = h.ctx.trellis.todaysPrompt(refOf(coach));
    await h.button(coach, 'reflect', String(issue.id));
    await h.idle();
    type InputBlock = { block_id?: string; hint: { text: string }; element: { max_length: number } };
    const view = h.calls('views.open').at(-1)!.body.view as { blocks: InputBlock[] };
    const box = view.blocks.find((b) => b.block_id === 'reflection')!;
    expect(box.element.max_length).toBe(3000);
    expect(box.hint.text).toContain(
      'Up to 3,000 characters here; for a longer one, reply in our DM instead (up to 4,000)',
    );
    const long = `${'I noticed the pause and stayed with it. '.repeat(90)}`.slice(0, 3600);
    await h.dm(coach, long);
    await h.idle();
    const coachId = h.ctx.repos.coaches.find(refOf(coach))!.id;
    const [saved] = h.ctx.repos.reflections.recent(coachId, 1);
    expect(saved.text).toBe(long.trim());
    expect(saved.promptIssueId).toBe(issue.id);
  });

  test('Skip and Snooze set the prompt’s status and answer through response_url', async () => {
    const coach = 'U2SKIP';
    const { issue } = h.ctx.trellis.todaysPrompt(refOf(coach));
    const snooze = await h.button(coach, 'snooze', String(issue.id));
    expect(snooze.response.status).toBe(200);
    await h.idle();
    expect(h.ctx.repos.promptIssues.byId(issue.id)?.status).toBe('snoozed');
    expect(String(h.responses(snooze.triggerId)[0].body.text)).toMatch(/Snoozed/);
    const skip = await h.button(coach, 'skip', String(issue.id));
    await h.idle();
    expect(h.ctx.repos.promptIssues.byId(issue.id)?.status).toBe('skipped');
    expect(String(h.responses(skip.triggerId)[0].body.text)).toMatch(/Skipped/);
  });

  test('a button for someone else’s prompt changes nothing and says so', async () => {
    const { issue } = h.ctx.trellis.todaysPrompt(refOf('U2OWNER'));
    const { triggerId } = await h.button('U2OTHER', 'skip', String(issue.id));
    await h.idle();
    expect(h.ctx.repos.promptIssues.byId(issue.id)?.status).toBe('open');
    expect(String(h.responses(triggerId)[0].body.text)).toMatch(/no longer available/);
  });

  test('/selfcheck settings opens the settings modal; bad input shows field errors; a good one saves', async () => {
    const coach = 'U2SET';
    h.fake.respondOnce('users.info', {
      json: { ok: true, user: { id: coach, tz: 'Asia/Kathmandu', real_name: 'Sam' } },
    });
    await h.command(coach, 'settings');
    await h.idle();
    const view = h.lastOpenedView() as { callback_id: string; blocks: Record<string, unknown>[] };
    expect(view.callback_id).toBe('settings');
    expect(JSON.stringify(view.blocks)).toContain('Asia/Kathmandu');
    expect(view.blocks.find((b) => b.block_id === 'time')?.element).toMatchObject({ initial_time: '09:00' });

    const bad = await h.submitView(coach, view, {
      time: { time: { type: 'timepicker', selected_time: '07:30' } },
      days: { days: { type: 'checkboxes', selected_options: [] } },
      level: { level: selected('PCC') },
      pause: { until: { type: 'datepicker', selected_date: '2020-01-01' } },
    });
    expect(Object.keys(viewErrors(bad)).sort()).toEqual(['days', 'pause']);
    const good = await h.submitView(coach, view, {
      time: { time: { type: 'timepicker', selected_time: '07:30' } },
      days: { days: { type: 'checkboxes', selected_options: [{ value: '1' }, { value: '3' }, { value: '5' }] } },
      level: { level: selected('PCC') },
      pause: { until: { type: 'datepicker', selected_date: null } },
    });
    expect(good.status).toBe(200);
    await h.idle();
    const saved = h.ctx.repos.coaches.find(refOf(coach))!;
    expect(saved.settings).toEqual({
      promptTime: '07:30',
      promptDays: [1, 3, 5],
      timeZone: 'Asia/Kathmandu',
      level: 'PCC',
      workingToward: null,
      practices: [],
      pausedUntil: null,
    });
    expect(h.dmTexts(coach).at(-1)).toMatch(/Prompt time\s+07:30/);
  });

  test('App Home buttons open the modals (no response_url there)', async () => {
    const coach = 'U2HOME';
    const { triggerId } = await h.button(coach, 'open_selfcheck', undefined, { responseUrl: false });
    await h.idle();
    expect(h.calls('views.open').at(-1)?.body.trigger_id).toBe(triggerId);
    expect((h.lastOpenedView() as { callback_id: string }).callback_id).toBe('selfcheck');
    const settings = await h.button(coach, 'open_settings', undefined, { responseUrl: false });
    await h.idle();
    expect(h.calls('views.open').at(-1)?.body.trigger_id).toBe(settings.triggerId);
    expect((h.lastOpenedView() as { callback_id: string }).callback_id).toBe('settings');
  });

  test('typing "selfcheck" in the DM offers a Check in button (a DM message has no trigger id for a modal)', async () => {
    const coach = 'U2TYPE';
    await h.dm(coach, 'selfcheck');
    await h.idle();
    // The answer first, then (first contact) the welcome.
    const [post, welcome] = h.calls('chat.postMessage').filter((c) => c.body.channel === 'D2TYPE');
    expect(JSON.stringify(post.body.blocks)).toContain('"action_id":"open_selfcheck"');
    expect(String(welcome.body.text)).toContain('Welcome to Trellis');
  });
  test('/selfcheck settings time 08:30 changes one setting without a modal', async () => {
    const coach = 'U2TYPED';
    const opened = h.calls('views.open').length;
    const { response } = await h.command(coach, 'settings time 08:30');
    await h.idle();
    expect(h.calls('views.open')).toHaveLength(opened);
    const text = response.json ? String(response.json.text) : String(h.responses().at(-1)?.body.text);
    expect(text).toMatch(/Daily prompt time set to 08:30/);
    expect(h.ctx.repos.coaches.find(refOf(coach))?.settings.promptTime).toBe('08:30');
  });
});
