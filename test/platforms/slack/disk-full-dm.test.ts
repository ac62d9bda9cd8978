import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { NOT_STORED_YET } from '../../../src/platforms/slack/write-first';
import { STORAGE_UNAVAILABLE_MESSAGE } from '../../../src/store/errors';
import { SlackHarness } from '../../helpers/slack-harness';

const MARK = 'FULL-DISK-NOTE-71c2';

/**
 * A DM whose text the store refuses because the database is full (PRAGMA max_page_count, so the event's small claim
 * still fits but a long text does not): nothing of the event is kept, not even its claim, so Slack's retry stores the
 * text once there is room; the coach is told plainly, never with their own words.
 */
describe('Slack: a DM refused by a full disk leaves no claim, and its retry stores it once', () => {
  const h = new SlackHarness({ start: '2026-11-24T12:00:00Z' });
  const coach = 'U4DISKFULL';
  let pages = 0;
  const postsToCoach = () =>
    h.fake.callsTo('chat.postMessage').filter((c) => String(c.body.channel) === `D${coach.slice(1)}`);
  const claimed = (eventId: string) =>
    h.ctx.db.prepare('SELECT count(*) FROM inbound_events WHERE event_id = ?').pluck().get(eventId);
  const entries = () => h.ctx.db.prepare('SELECT count(*) FROM reflections').pluck().get() as number;

  beforeAll(async () => {
    await h.start();
    // Known before the disk fills: registered, welcomed, a few events claimed (so the claims' page has room).
    for (const text of ['help', 'history', 'a first short note']) await h.dm(coach, text);
    await h.idle();
    pages = h.ctx.db.pragma('page_count', { simple: true }) as number;
    h.ctx.db.pragma(`max_page_count = ${pages}`);
  });
  afterAll(async () => {
    h.ctx.db.pragma(`max_page_count = ${pages * 100}`);
    await h.stop();
  });

  test('the first delivery is a 500 with no claim; the coach is told once; the retry stores the text once', async () => {
    const long = `${MARK} ${'words of a reflection '.repeat(180)}`;
    // Texts that still fit in the free pages are stored as usual; the first that does not is the one under test.
    let eventId = '';
    let sent = '';
    let status = 200;
    let before = 0;
    for (let i = 0; i < 40 && status === 200; i++) {
      before = entries();
      eventId = `EvFULL${i}`;
      const postsBefore = postsToCoach().length;
      sent = `${long} ${i}`;
      ({ status } = (await h.dm(coach, sent, { eventId })).response);
      await h.idle();
      // Before the fix the refusal came back as a 200 and a DM saying "nothing was stored", with the claim kept.
      const said = postsToCoach()
        .slice(postsBefore)
        .map((c) => String(c.body.text));
      if (status === 200 && said.includes(STORAGE_UNAVAILABLE_MESSAGE)) break;
    }
    expect(status).toBe(500);
    expect(claimed(eventId)).toBe(0);
    expect(entries()).toBe(before);
    const notices = postsToCoach().filter((c) => String(c.body.text) === NOT_STORED_YET);
    expect(notices).toHaveLength(1);
    expect(h.logLines.join('\n')).not.toContain(MARK);
    expect(JSON.stringify(h.fake.calls.map((c) => c.body))).not.toContain(MARK);

    // Slack's immediate retry while the disk is still full: a 500 again, and no second notice.
    const again = await h.dm(coach, sent, { eventId, retryNum: 1 });
    await h.idle();
    expect(again.response.status).toBe(500);
    expect(postsToCoach().filter((c) => String(c.body.text) === NOT_STORED_YET)).toHaveLength(1);

    // Room again: the next retry is handled as new and stored; a later one is "already handled".
    h.ctx.db.pragma(`max_page_count = ${pages * 100}`);
    const retry = await h.dm(coach, sent, { eventId, retryNum: 2 });
    await h.idle();
    expect(retry.response.status).toBe(200);
    const stored = entries();
    expect(stored).toBeGreaterThan(before);
    expect(claimed(eventId)).toBe(1);
    const last = await h.dm(coach, sent, { eventId, retryNum: 3 });
    await h.idle();
    expect(last.response.status).toBe(200);
    expect(entries()).toBe(stored);
    expect(h.logLines.join('\n')).not.toContain(MARK);
  });

  test('on Slack’s last retry with the disk still full, the coach is told nothing was stored', async () => {
    h.ctx.db.pragma(`max_page_count = ${h.ctx.db.pragma('page_count', { simple: true }) as number}`);
    const long = `${MARK} ${'another long reflection '.repeat(400)}`;
    const postsBefore = postsToCoach().length;
    const { response } = await h.dm(coach, long, { eventId: 'EvFULLLAST', retryNum: 3 });
    await h.idle();
    expect(response.status).toBe(500);
    expect(claimed('EvFULLLAST')).toBe(0);
    const said = postsToCoach()
      .slice(postsBefore)
      .map((c) => String(c.body.text));
    expect(said).toEqual([STORAGE_UNAVAILABLE_MESSAGE]);
  });

  test('a refusal SQLite undoes alone (the transaction stays open) still takes the claim back with it', async () => {
    // A statement with a statement journal (here a trigger's) is undone alone on SQLITE_FULL, and the core answers
    // the refusal with a message: the claim, written first in the same transaction, used to be committed without
    // the text, so Slack's retry was "already handled" and the text was never stored.
    h.ctx.db.pragma(`max_page_count = ${pages * 100}`);
    h.ctx.db.exec(`CREATE TABLE test_filler (z BLOB);
      CREATE TRIGGER test_fill AFTER INSERT ON reflections BEGIN INSERT INTO test_filler VALUES (randomblob(1000000)); END;`);
    h.ctx.db.pragma(`max_page_count = ${h.ctx.db.pragma('page_count', { simple: true }) as number}`);
    const before = entries();
    const postsBefore = postsToCoach().length;
    const text = `${MARK} a short reflection`;
    const first = await h.dm(coach, text, { eventId: 'EvFULLSTMT' });
    await h.idle();
    expect(first.response.status).toBe(500);
    expect(claimed('EvFULLSTMT')).toBe(0);
    expect(
      postsToCoach()
        .slice(postsBefore)
        .map((c) => String(c.body.text)),
    ).toEqual([NOT_STORED_YET]);

    h.ctx.db.exec('DROP TRIGGER test_fill');
    h.ctx.db.pragma(`max_page_count = ${pages * 100}`);
    const retry = await h.dm(coach, text, { eventId: 'EvFULLSTMT', retryNum: 1 });
    await h.idle();
    expect(retry.response.status).toBe(200);
    expect(entries()).toBe(before + 1);
    expect(h.logLines.join('\n')).not.toContain(MARK);
  });
});
