import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { SlackHarness } from '../../helpers/slack-harness';
import { interactionBody } from '../../helpers/slack-signing';

const TEAM = { id: 'T0TEAM', domain: 'example' };
const USER = { id: 'U9SHAPE', team_id: 'T0TEAM' };
const NOTE = 'PRIVATE-NOTE-a7c2';
const ACTIONS = [{ action_id: 'skip', block_id: 'b1', type: 'button', value: '1', action_ts: '1700000000.000200' }];
const VIEW = { id: 'V9SHAPE', callback_id: 'selfcheck_modal', state: { values: { note: { note: { value: NOTE } } } } };
const DM = {
  type: 'message',
  channel_type: 'im',
  channel: 'D9SHAPE',
  user: USER.id,
  text: NOTE,
  ts: '1700000000.000100',
};

const form = (payload: unknown) => ({ body: interactionBody(payload as Record<string, unknown>), json: false });
const event = (fields: Record<string, unknown>) => ({
  body: JSON.stringify({ type: 'event_callback', ...fields }),
  json: true,
});

/**
 * Signed requests whose payload lacks a field Bolt or the listeners read (or has it with the wrong type): a 400
 * naming the field, before Bolt sees it. Before this check some were a TypeError inside Bolt (500), others failed in
 * a listener after an ack. Nothing is stored or sent, and neither the answer nor the log quotes the payload.
 */
describe('Slack: an incomplete payload is a 400 naming the field', () => {
  const h = new SlackHarness();
  beforeAll(() => h.start());
  afterAll(() => h.stop());

  test.each<[string, { body: string; json: boolean }, string]>([
    ['a button press without user', form({ type: 'block_actions', team: TEAM, actions: ACTIONS }), 'user'],
    [
      'a button press whose user has no id',
      form({ type: 'block_actions', team: TEAM, user: {}, actions: ACTIONS }),
      'user.id',
    ],
    ['a button press without actions', form({ type: 'block_actions', team: TEAM, user: USER }), 'actions'],
    [
      'a button press with actions as a string',
      form({ type: 'block_actions', team: TEAM, user: USER, actions: 'skip' }),
      'actions',
    ],
    ['a button press with no action', form({ type: 'block_actions', team: TEAM, user: USER, actions: [] }), 'actions'],
    [
      'a button without an action_id',
      form({ type: 'block_actions', team: TEAM, user: USER, actions: [{ value: '1' }] }),
      'actions.0.action_id',
    ],
    ['a button press without a team', form({ type: 'block_actions', user: { id: USER.id }, actions: ACTIONS }), 'team'],
    ['a view submission without view', form({ type: 'view_submission', team: TEAM, user: USER }), 'view'],
    [
      'a view without callback_id',
      form({ type: 'view_submission', team: TEAM, user: USER, view: { id: 'V1', state: VIEW.state } }),
      'view.callback_id',
    ],
    [
      'a view without state',
      form({ type: 'view_submission', team: TEAM, user: USER, view: { id: 'V1', callback_id: 'selfcheck_modal' } }),
      'view.state',
    ],
    ['a view submission without user', form({ type: 'view_submission', team: TEAM, view: VIEW }), 'user'],
    ['an event callback without event', event({ team_id: 'T0TEAM', event_id: 'Ev9S1' }), 'event'],
    ['an event that is a string', event({ team_id: 'T0TEAM', event_id: 'Ev9S2', event: NOTE }), 'event'],
    [
      'an event without type',
      event({ team_id: 'T0TEAM', event_id: 'Ev9S3', event: { ...DM, type: undefined } }),
      'event.type',
    ],
    ['an event without event_id', event({ team_id: 'T0TEAM', event: DM }), 'event_id'],
    ['an event without team_id', event({ event_id: 'Ev9S4', event: DM }), 'team_id'],
  ])('%s', async (_what, request, field) => {
    const logsBefore = h.logLines.length;
    h.fake.clear();
    const res = await h.signedPost(
      request.body,
      request.json ? 'application/json' : 'application/x-www-form-urlencoded',
    );
    await h.idle();
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: 'incomplete Slack payload', field });
    expect(res.text).not.toContain(NOTE);
    expect(h.ctx.repos.coaches.count()).toBe(0);
    expect(h.fake.calls).toEqual([]);
    const lines = h.logLines.slice(logsBefore);
    expect(lines.filter((l) => l.includes('"level":"error"'))).toEqual([]);
    expect(lines.some((l) => l.includes('slack request incomplete') && l.includes(`"field":"${field}"`))).toBe(true);
    expect(lines.join('\n')).not.toContain(NOTE);
  });
});
