import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { selfCheckModal } from '../../../src/platforms/slack/views';
import { STORAGE_UNAVAILABLE_MESSAGE } from '../../../src/store/errors';
import { SlackHarness, selfCheckValues, viewErrors } from '../../helpers/slack-harness';

const TEAM = 'T0TEAM';
const NOTE = 'REFUSED-NOTE-5e9b';
const refOf = (user: string) => ({ platform: 'slack' as const, tenant: TEAM, user });

/**
 * A database that refuses writes (read-only here: PRAGMA query_only on the server's own connection): every Slack
 * path tells the coach nothing was stored, and logs the refusal with ids and the error's kind, never the text.
 */
describe('Slack: refused writes are logged (ids, error kind, never the text)', () => {
  const h = new SlackHarness({ start: '2026-11-24T12:00:00Z' });
  const coach = 'U4REFUSE';
  let issueId = 0;
  beforeAll(async () => {
    await h.start();
    // Known before the refusal: a check-in stored, a prompt issued.
    await h.command(coach, '4 4 4 4 4 4');
    issueId = h.ctx.trellis.todaysPrompt(refOf(coach)).issue.id;
    await h.idle();
    h.ctx.db.pragma('query_only = ON');
  });
  afterAll(async () => {
    h.ctx.db.pragma('query_only = OFF');
    await h.stop();
  });

  /** The log lines a request wrote, checked for the refusal and for the note. */
  async function refusal(send: () => Promise<unknown>, path: string, logLine = 'slack write refused') {
    const before = h.logLines.length;
    await send();
    await h.idle();
    const lines = h.logLines.slice(before);
    expect(lines.join('\n')).not.toContain(NOTE);
    const line = lines.find((l) => l.includes(`"msg":"${logLine}"`));
    expect(line).toBeDefined();
    const fields = JSON.parse(line as string) as Record<string, unknown>;
    expect(fields).toMatchObject({ tenant: TEAM, user: coach, kind: 'storage_unavailable' });
    expect(String(fields.detail)).toMatch(/^SQLITE_READONLY/);
    if (logLine === 'slack write refused') expect(fields.path).toBe(path);
    return lines;
  }

  test('the quick form: the ack says nothing was stored', async () => {
    let text = '';
    await refusal(async () => {
      const { response } = await h.command(coach, `1 2 3 4 5 1 "${NOTE}"`);
      text = String(response.json?.text);
    }, 'command');
    expect(text).toBe(STORAGE_UNAVAILABLE_MESSAGE);
    expect(h.ctx.repos.selfChecks.count()).toBe(1);
  });

  test('the self-check modal stays open with the message', async () => {
    let errors: Record<string, string> = {};
    await refusal(async () => {
      const response = await h.submitView(
        coach,
        selfCheckModal() as never,
        selfCheckValues(['3', '3', '3', '3', '3', '3'], NOTE),
      );
      errors = viewErrors(response);
    }, 'selfcheck_form');
    expect(errors).toEqual({ note: STORAGE_UNAVAILABLE_MESSAGE });
  });

  test('a button (Skip): the answer says nothing was stored', async () => {
    let triggerId = '';
    await refusal(async () => {
      ({ triggerId } = await h.button(coach, 'skip', String(issueId)));
    }, 'skip');
    expect(String(h.responses(triggerId)[0]?.body.text)).toBe(STORAGE_UNAVAILABLE_MESSAGE);
    expect(h.ctx.repos.promptIssues.byId(issueId)?.status).not.toBe('skipped');
  });

  test('a DM: the claim is refused, the answer is a 500, and Slack’s retry stores it once the database writes again', async () => {
    let status = 0;
    const eventId = 'Ev4REFUSED';
    await refusal(async () => {
      ({ status } = (await h.dm(coach, NOTE, { eventId })).response);
    }, 'message');
    expect(status).toBe(500);
    const coachId = h.ctx.repos.coaches.find(refOf(coach))?.id;
    const reflections = () =>
      h.ctx.db.prepare('SELECT count(*) AS n FROM reflections WHERE coach_id = ?').get(coachId) as { n: number };
    expect(reflections()).toEqual({ n: 0 });

    h.ctx.db.pragma('query_only = OFF');
    const retry = await h.dm(coach, NOTE, { eventId, retryNum: 1 });
    await h.idle();
    expect(retry.response.status).toBe(200);
    expect(reflections()).toEqual({ n: 1 });
  });
});
