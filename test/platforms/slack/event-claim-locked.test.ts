import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import Database from 'better-sqlite3';
import { STORAGE_BUSY_MESSAGE } from '../../../src/store/errors';
import { SlackHarness } from '../../helpers/slack-harness';

const TEXT = 'what I noticed when the client went quiet (CLAIM-LOCK-7f3a)';

/**
 * Issue 18 (the soak's SQLITE_BUSY refusals): the lock is taken by another connection at the exact step between a
 * DM event's arrival and the commit of its text, here while Trellis asks Slack for a new coach's profile. Before,
 * the event's claim was already stored then, the text was refused as busy with a 200, and Slack's retry was answered
 * "already handled": the coach's words were never stored while Slack was told they were. Now the claim and the text
 * are one write: refused together (500, Slack retries), and the retry stores the text once.
 */
describe('Slack DM event: the database is locked between the claim and the text', () => {
  const h = new SlackHarness({ start: '2026-11-24T12:00:00Z' });
  let other: Database.Database | undefined;
  const lock = () => {
    other = new Database(h.ctx.config.dbFile);
    other.exec('BEGIN EXCLUSIVE');
  };
  const unlock = () => {
    other?.exec('COMMIT');
    other?.close();
    other = undefined;
  };
  const reflectionsWith = (key: string) =>
    (
      h.ctx.db.prepare('SELECT count(*) AS n FROM reflections WHERE request_key = ?').get(`slack:event:${key}`) as {
        n: number;
      }
    ).n;
  const claims = (eventId: string) =>
    (
      h.ctx.db
        .prepare("SELECT count(*) AS n FROM inbound_events WHERE platform = 'slack' AND event_id = ?")
        .get(eventId) as { n: number }
    ).n;

  /** What Trellis posted in the coach's DM saying nothing was stored. */
  const noticesIn = (coach: string) =>
    (h.fake.posted.get(`D${coach.slice(1)}`) ?? []).filter((m) => String(m.text).includes(STORAGE_BUSY_MESSAGE));

  beforeAll(() => h.start());
  afterAll(async () => {
    if (other) unlock();
    await h.stop();
  });

  test('a text refused as busy leaves no claim: the answer is a 500, and Slack’s retry stores it once', async () => {
    const coach = 'U9LOCKED';
    const eventId = 'Ev18LOCKED';
    // Another connection takes the write lock while Trellis waits for users.info, and holds it past the 2 s wait.
    let locked = false;
    h.fake.respond((call) => {
      if (call.method === 'users.info' && call.body.user === coach && !locked) {
        locked = true;
        lock();
      }
      return undefined;
    });
    const first = await h.dm(coach, TEXT, { eventId });
    expect(locked).toBe(true);
    expect(first.response.status).toBe(500);
    unlock();
    await h.idle();
    expect(reflectionsWith(eventId)).toBe(0);
    expect(claims(eventId)).toBe(0);
    // Slack will retry: the coach is not told "busy" now, only once the text is stored (below).
    expect(noticesIn(coach)).toHaveLength(0);
    expect(h.logLines.join('\n')).not.toContain('CLAIM-LOCK-7f3a');

    const retry = await h.dm(coach, TEXT, { eventId, retryNum: 1 });
    await h.idle();
    expect(retry.response.status).toBe(200);
    expect(reflectionsWith(eventId)).toBe(1);
    const saved = h.fake.postsWithKey(`reply:${eventId}:0`);
    expect(saved).toHaveLength(1);
    expect(String(saved[0]?.text)).toMatch(/Saved to your journal/);

    // A later retry of the same event stores nothing more and says nothing more.
    expect((await h.dm(coach, TEXT, { eventId, retryNum: 2 })).response.status).toBe(200);
    await h.idle();
    expect(reflectionsWith(eventId)).toBe(1);
    expect(h.fake.postsWithKey(`reply:${eventId}:0`)).toHaveLength(1);
  }, 20_000);

  test('refused on Slack’s last retry: a 500, and the coach is told nothing was stored (no retry will come)', async () => {
    const coach = 'U9LASTTRY';
    const eventId = 'Ev18LASTTRY';
    lock();
    const last = await h.dm(coach, TEXT, { eventId, retryNum: 3 });
    await h.idle();
    unlock();
    expect(last.response.status).toBe(500);
    expect(reflectionsWith(eventId)).toBe(0);
    expect(claims(eventId)).toBe(0);
    const told = noticesIn(coach);
    expect(told).toHaveLength(1);
    expect(String(told[0]?.text)).toContain(STORAGE_BUSY_MESSAGE);
    expect(String(told[0]?.text)).not.toContain('CLAIM-LOCK-7f3a');
  }, 20_000);
});
