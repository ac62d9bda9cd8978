import { hookSignature, SESSION_HOOK_PATH } from '../../src/http/session-hook';
import { createScheduler } from '../../src/schedule';
import { SlackHarness, TEAM } from '../helpers/slack-harness';

/**
 * POST /hooks/session-ended through the real server of `npm start` (Slack served, fake Web API): signature, time
 * window, replay, malformed bodies and unknown coaches are refused with a 4xx and store nothing; a good event DMs the
 * coach the after-session form through the outbox once, whose button opens the session modal filled in.
 */
const SECRET = 'hook-secret-0123456789abcdef';
const START = '2026-11-24T09:00:00Z';

describe('the session-ended webhook', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await new SlackHarness({ start: START, env: { TRELLIS_WEBHOOK_SECRET: SECRET } }).start();
    // The coach writes once, so Trellis knows them and the email Slack's profile reports.
    await h.command('UHOOKED', 'history');
    await h.idle();
  });
  afterAll(() => h.stop());

  const post = async (body: string, headers: Record<string, string>) => {
    const res = await fetch(`${h.url}${SESSION_HOOK_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  const signed = (body: string, timestamp = h.nowSeconds(), secret = SECRET) =>
    post(body, {
      'x-trellis-timestamp': String(timestamp),
      'x-trellis-signature': hookSignature(secret, String(timestamp), body),
    });
  const counts = () =>
    h.ctx.db
      .prepare(
        `SELECT (SELECT count(*) FROM session_end_events) AS events,
                (SELECT count(*) FROM deliveries WHERE kind = 'after-session') AS deliveries`,
      )
      .get() as { events: number; deliveries: number };
  const coach = `slack:${TEAM}:UHOOKED`;

  test('unsigned, badly signed, stale, malformed and unknown requests get a clear 4xx and store nothing', async () => {
    const body = JSON.stringify({ coach, endedAt: '2026-11-24T08:55:00Z' });
    const unsigned = await post(body, {});
    expect(unsigned.status).toBe(401);
    expect(unsigned.json.error).toMatch(/missing X-Trellis-Signature/);
    const wrong = await signed(body, h.nowSeconds(), 'another-secret-0123456789');
    expect(wrong.status).toBe(401);
    expect(wrong.json.error).toMatch(/signature mismatch/);
    const stale = await signed(body, h.nowSeconds() - 301);
    expect(stale.status).toBe(401);
    expect(stale.json.error).toMatch(/more than five minutes/);
    const notJson = await signed('{"coach": ');
    expect(notJson.status).toBe(400);
    expect(notJson.json.error).toBe('the body is not JSON');
    const badFields = await signed(JSON.stringify({ coach, endedAt: 'yesterday', minutes: 0, secretWord: 'x' }));
    expect(badFields.status).toBe(400);
    expect(badFields.json.error).toMatch(/endedAt/);
    expect(badFields.json.error).toMatch(/minutes/);
    expect(JSON.stringify(badFields.json)).not.toContain('yesterday');
    const unknown = await signed(JSON.stringify({ coach: 'slack:T0TEAM:UNOBODY', endedAt: '2026-11-24T08:55:00Z' }));
    expect(unknown.status).toBe(404);
    expect(unknown.json.error).toMatch(/No coach matches/);
    const unknownEmail = await signed(JSON.stringify({ coach: 'nobody@example.com', endedAt: '2026-11-24T08:55:00Z' }));
    expect(unknownEmail.status).toBe(404);
    const asText = await fetch(`${h.url}${SESSION_HOOK_PATH}`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'text/plain' },
    });
    expect(asText.status).toBe(415);
    const big = JSON.stringify({ coach, endedAt: '2026-11-24T08:55:00Z', id: 'x'.repeat(20_000) });
    expect((await signed(big)).status).toBe(413);
    expect(counts()).toEqual({ events: 0, deliveries: 0 });
  });

  test('a signed event is handled once; the form comes to the DM once, after the delay, and opens filled in', async () => {
    const body = JSON.stringify({ coach, endedAt: '2026-11-24T08:55:00Z', minutes: 50, clientCode: 'C17' });
    const first = await signed(body);
    expect(first.status).toBe(202);
    expect(first.json).toMatchObject({ status: 'scheduled', dueAt: '2026-11-24T09:05:00.000Z' });
    // The same request again (a replay inside the window, or the tool retrying): nothing new.
    const replay = await signed(body);
    expect(replay.status).toBe(200);
    expect(replay.json.status).toBe('duplicate');
    // The coach's email as Slack reported it names the same coach; the same end is the same event.
    const byEmail = await signed(JSON.stringify({ coach: 'uhooked@example.com', endedAt: '2026-11-24T08:55:00Z' }));
    expect(byEmail.json.status).toBe('duplicate');
    expect(counts()).toEqual({ events: 1, deliveries: 1 });

    const scheduler = createScheduler(h.ctx, [h.slack.messenger], { sender: { maxWaitMs: 0 } });
    const dms = () => h.dmTexts('UHOOKED').filter((t) => t.includes('After your session'));
    await scheduler.runDue(new Date('2026-11-24T09:01:00Z'));
    expect(dms()).toHaveLength(0);
    h.clock.set('2026-11-24T09:06:00Z');
    await scheduler.runDue(new Date('2026-11-24T09:06:00Z'));
    await scheduler.runDue(new Date('2026-11-24T09:07:00Z'));
    // A second scheduler (a restart) finds the row sent and sends nothing again.
    await createScheduler(h.ctx, [h.slack.messenger]).runDue(new Date('2026-11-24T09:08:00Z'));
    expect(dms()).toHaveLength(1);
    expect(dms()[0]).toContain('(50 min, client C17)');

    const post = h.calls('chat.postMessage').find((c) => String(c.body.text).includes('After your session'));
    type Element = { action_id?: string; value?: string };
    const button = ((post?.body.blocks ?? []) as { elements?: Element[] }[])
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === 'open_session');
    expect(button?.value).toMatch(/^e\d+$/);
    await h.button('UHOOKED', 'open_session', button?.value);
    await h.idle();
    const view = h.lastOpenedView() as {
      callback_id: string;
      blocks: { block_id?: string; element?: { initial_value?: string } }[];
    };
    expect(view.callback_id).toBe('session');
    const initial = (id: string) => view.blocks.find((b) => b.block_id === id)?.element?.initial_value;
    expect(initial('minutes')).toBe('50');
    expect(initial('clientCode')).toBe('C17');
    expect(initial('date')).toBe('2026-11-24');
  });

  test('with after-session off, an event is recorded and nothing is sent', async () => {
    await h.command('UHOOKED', 'settings after-session off');
    await h.idle();
    const res = await signed(JSON.stringify({ coach, endedAt: '2026-11-24T10:00:00Z', id: 'booking-42' }));
    expect(res.status).toBe(202);
    expect(res.json.status).toBe('off');
    expect(counts()).toEqual({ events: 2, deliveries: 1 });
  });
});
