import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { SlackHarness, selfCheckValues } from '../../helpers/slack-harness';

/** What happens when things break after the coach has done their part: told what to do, recorded in app.error. */
describe('Slack failures reach app.error and the coach', () => {
  const h = new SlackHarness();
  beforeAll(() => h.start());
  afterAll(() => h.stop());

  const errors = () => h.logLines.filter((l) => l.includes('"msg":"slack listener failed"'));

  test('a DM Slack refuses (channel_not_found): the check-in stays saved and the failure is logged by code', async () => {
    const coach = 'U4GONE';
    await h.command(coach, '');
    await h.idle();
    h.fake.respondOnce('chat.postMessage', { json: { ok: false, error: 'channel_not_found' } });
    const res = await h.submitView(
      coach,
      h.lastOpenedView(),
      selfCheckValues(['3', '3', '3', '3', '3', '3'], 'private'),
    );
    expect(res.status).toBe(200);
    await h.idle();
    expect(h.ctx.repos.selfChecks.count()).toBe(1);
    expect(errors()).toHaveLength(1);
    expect(errors()[0]).toContain('channel_not_found');
    expect(h.logLines.join('\n')).not.toContain('private'); // the note never reaches the log
  });

  test('the store failing mid-request: the coach is told, nothing half-stored, the server keeps serving', async () => {
    h.ctx.db.close();
    const { response } = await h.command('U4GONE', '4 3 5 4 4 2');
    expect(response.status).toBe(200);
    expect(response.json?.response_type).toBe('ephemeral');
    expect(String(response.json?.text)).toMatch(/Something went wrong on our side and nothing was saved/);
    await h.idle();
    expect(errors()).toHaveLength(2);
    const health = await fetch(`${h.url}/healthz`);
    expect(health.status).toBe(200);
  });
});

describe('Slack start-up', () => {
  test('a token Slack refuses stops start-up with a message naming the setting to fix', async () => {
    const h = new SlackHarness();
    h.fake.respond((call) =>
      call.method === 'auth.test' ? { json: { ok: false, error: 'invalid_auth' } } : undefined,
    );
    await h.fake.start();
    try {
      await expect(h.start()).rejects.toThrow(/SLACK_BOT_TOKEN: Slack did not accept it \(auth\.test: invalid_auth\)/);
    } finally {
      await h.stop();
    }
  });
});
