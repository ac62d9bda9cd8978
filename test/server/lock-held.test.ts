import Database from 'better-sqlite3';
import type { GroupCommit } from '../../src/store';
import { STORAGE_BUSY_MESSAGE } from '../../src/store/errors';
import { waitFor } from '../helpers/child';
import { holdLock, type LockHolder } from '../helpers/lock-holder';
import { SlackHarness, type SlackResponse } from '../helpers/slack-harness';

const answer = (response: SlackResponse) => JSON.stringify(response.json ?? response.text);

/**
 * The server of `npm start` (Slack over signed HTTP) while ANOTHER process holds `BEGIN EXCLUSIVE` on its database:
 * /healthz and reads are answered while the lock is still held, a write waits (without freezing anything) and is
 * saved once the lock goes, and a write that cannot get the lock in time is told "busy", never "saved".
 */
describe('another process holds the database lock', () => {
  let h: SlackHarness;
  let lock: LockHolder | undefined;
  const selfChecks = () => {
    const db = new Database(h.ctx.config.dbFile, { readonly: true });
    try {
      return db.prepare('SELECT count(*) FROM self_checks').pluck().get() as number;
    } finally {
      db.close();
    }
  };
  const waitingWrites = () => (h.ctx.commits as GroupCommit).pending;

  beforeAll(async () => {
    h = await new SlackHarness().start();
    // First contact: Slack's profile is fetched once, so later commands are answered in the ack itself.
    await h.command('U1', '4 4 4 4 4 4 first');
    await h.idle();
    expect(selfChecks()).toBe(1);
  });
  afterEach(async () => {
    await lock?.release();
    lock = undefined;
  });
  afterAll(() => h.stop());

  it('answers /healthz and a read while the lock is held, and saves the write after it is released', async () => {
    lock = await holdLock(h.ctx.config.dbFile);
    let writeAnswered = false;
    const write = h.command('U1', '3 3 3 3 3 3').then((r) => {
      writeAnswered = true;
      return r;
    });
    await waitFor(() => waitingWrites() > 0, 2_000, 'the write to wait for the lock');

    const health = await fetch(`${h.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
    const read = await h.command('U1', 'history');
    expect(read.response.status).toBe(200);
    expect(answer(read.response)).toMatch(/Recent self-checks/);

    // Both were answered while the other process still held the lock, and the write is still waiting for it.
    expect(lock.holding()).toBe(true);
    expect(writeAnswered).toBe(false);
    expect(waitingWrites()).toBe(1);

    await lock.release();
    const saved = await write;
    expect(saved.response.status).toBe(200);
    expect(answer(saved.response)).toMatch(/saved/);
    expect(selfChecks()).toBe(2);
  }, 20_000);

  it('a write that cannot get the lock in time is answered "busy, try again", and nothing is stored', async () => {
    lock = await holdLock(h.ctx.config.dbFile);
    const refused = await h.command('U1', '2 2 2 2 2 2');
    expect(lock.holding()).toBe(true); // answered while the lock was still held
    expect(refused.response.status).toBe(200);
    expect(answer(refused.response)).toContain(STORAGE_BUSY_MESSAGE);
    expect(answer(refused.response)).not.toMatch(/saved/);
    // The refusal is in the log (its code, never what the coach sent).
    expect(h.logLines.some((l) => /"writes refused: storage unavailable".*"code":"SQLITE_BUSY/.test(l))).toBe(true);
    expect(h.logLines.join('\n')).not.toContain('2 2 2 2 2 2');
    await lock.release();
    expect(selfChecks()).toBe(2);
    // Once the lock is free the same command is served at once.
    expect(answer((await h.command('U1', '2 2 2 2 2 2')).response)).toMatch(/saved/);
    expect(selfChecks()).toBe(3);
  }, 20_000);

  it('a DM event while the lock is held is answered non-200 at once, and Slack’s retry stores it once', async () => {
    const reflections = () => {
      const db = new Database(h.ctx.config.dbFile, { readonly: true });
      try {
        return db.prepare('SELECT count(*) FROM reflections').pluck().get() as number;
      } finally {
        db.close();
      }
    };
    const before = reflections();
    const eventId = 'Ev17LOCKED';
    lock = await holdLock(h.ctx.config.dbFile);
    const started = performance.now();
    const refused = await h.dm('U1', 'a reflection written while the CLI held the database', { eventId });
    expect(performance.now() - started).toBeLessThan(3_000); // within Slack's 3 s, so its retry comes
    expect(lock.holding()).toBe(true);
    expect(refused.response.status).toBeGreaterThanOrEqual(500);
    expect(h.logLines.join('\n')).not.toContain('written while the CLI');
    await lock.release();
    expect(reflections()).toBe(before);

    const retry = await h.dm('U1', 'a reflection written while the CLI held the database', { eventId, retryNum: 1 });
    await h.idle();
    expect(retry.response.status).toBe(200);
    expect(reflections()).toBe(before + 1);
    // A second retry of the same event stores nothing more.
    await h.dm('U1', 'a reflection written while the CLI held the database', { eventId, retryNum: 2 });
    await h.idle();
    expect(reflections()).toBe(before + 1);
  }, 20_000);
});
