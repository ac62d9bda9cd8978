import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { SlackHarness } from '../../helpers/slack-harness';
import { slackSignatureHeaders, slashCommandBody } from '../../helpers/slack-signing';

/** What Slack's signing protects: only correctly signed, fresh requests reach Trellis. */
describe('Slack request verification', () => {
  const h = new SlackHarness();
  const form = 'application/x-www-form-urlencoded';
  const quick = (trigger: string) =>
    slashCommandBody({
      text: '4 3 5 4 4 2',
      user: 'U1SEC',
      team: 'T0TEAM',
      triggerId: trigger,
      responseUrl: `${h.fake.url}response/${trigger}`,
    });

  beforeAll(() => h.start());
  afterAll(() => h.stop());
  beforeEach(() => h.fake.clear());

  const nothingStored = async () => {
    await h.idle();
    expect(h.ctx.repos.selfChecks.count()).toBe(0);
    expect(h.ctx.repos.coaches.count()).toBe(0);
    expect(h.fake.calls).toHaveLength(0);
  };

  test('url_verification answers the challenge', async () => {
    const res = await h.signedPost(
      JSON.stringify({ type: 'url_verification', challenge: 'c-123', token: 't' }),
      'application/json',
    );
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ challenge: 'c-123' });
  });

  test('a wrong signature is refused with 401 and nothing is stored', async () => {
    const body = quick('trig.bad');
    const headers = slackSignatureHeaders('not-the-signing-secret-000000', body, h.nowSeconds());
    const res = await h.post(body, form, headers);
    expect(res.status).toBe(401);
    await nothingStored();
  });

  test('a signature over a different body (tampered request) is refused', async () => {
    const signed = slackSignatureHeaders('test-signing-secret-0123456789abcdef', quick('trig.a'), h.nowSeconds());
    const res = await h.post(quick('trig.b').replace('4+3+5', '1+1+1'), form, signed);
    expect(res.status).toBe(401);
    await nothingStored();
  });

  test('missing signature or timestamp headers are refused', async () => {
    const body = quick('trig.missing');
    const full = slackSignatureHeaders('test-signing-secret-0123456789abcdef', body, h.nowSeconds());
    expect((await h.post(body, form, {})).status).toBe(401);
    expect((await h.post(body, form, { 'x-slack-signature': full['x-slack-signature'] })).status).toBe(401);
    expect((await h.post(body, form, { 'x-slack-request-timestamp': full['x-slack-request-timestamp'] })).status).toBe(
      401,
    );
    await nothingStored();
  });

  test('a correctly signed request older than five minutes is refused (replay), nothing stored', async () => {
    const res = await h.signedPost(quick('trig.stale'), form, {}, h.nowSeconds() - 5 * 60 - 1);
    expect(res.status).toBe(401);
    await nothingStored();
  });

  test('a signed body that is not JSON is a 400, not a crash', async () => {
    const res = await h.signedPost('{"type": "event_callback", ', 'application/json');
    expect(res.status).toBe(400);
    await nothingStored();
  });

  test('a signed body whose envelope is not an object, or has a mistyped type field, is a 400 and reaches nothing', async () => {
    for (const body of ['[]', 'null', '3', '{"type": 3, "event": {}}']) {
      expect((await h.signedPost(body, 'application/json')).status).toBe(400);
    }
    // A form field repeated arrives as an array, which is not a string.
    expect((await h.signedPost(`${quick('trig.twice')}&type=a&type=b`, form)).status).toBe(400);
    await nothingStored();
  });

  test('the same request within five minutes is accepted, and only once recorded (same trigger id)', async () => {
    const body = quick('trig.fresh');
    const at = h.nowSeconds() - 4 * 60;
    const first = await h.signedPost(body, form, {}, at);
    const replay = await h.signedPost(body, form, {}, at);
    expect(first.status).toBe(200);
    expect(replay.status).toBe(200);
    await h.idle();
    expect(h.ctx.repos.selfChecks.count()).toBe(1);
  });

  test('the clock decides staleness: the same signed request is refused once the clock has moved on', async () => {
    const at = h.nowSeconds();
    const body = quick('trig.later');
    h.clock.advanceMinutes(6);
    try {
      const res = await h.signedPost(body, form, {}, at);
      expect(res.status).toBe(401);
    } finally {
      h.clock.advanceMinutes(-6);
    }
  });

  test('GET /healthz still answers beside Slack', async () => {
    const res = await fetch(`${h.url}/healthz`);
    expect(res.status).toBe(200);
  });
});
