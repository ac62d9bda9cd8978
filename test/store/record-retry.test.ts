import Database from 'better-sqlite3';
import type { PostedItem } from '../../src/core/ports';
import { createRepositories } from '../../src/store';
import { platformMessageStore } from '../../src/store/platform-messages';
import { testSettings } from '../helpers/settings';
import { useTempDatabase } from '../helpers/temp-database';
import { waitFor } from '../helpers/wait-for';

const coach = { platform: 'slack' as const, tenant: 'T0TEAM', user: 'U000321' };
const dm = (itemId: string): PostedItem => ({ ...coach, kind: 'message', conversation: 'D000321', itemId });

/**
 * The record of a message Trellis posted is what lets a coach's delete remove it. When another connection holds the
 * write lock at that moment (the WAL checkpoint, the admin CLI), the record was refused after the serving busy
 * timeout and dropped: the message stayed on the platform after a delete. It is now tried again, and a record that
 * can never be written is logged with ids only.
 */
describe('a refused record of a posted message', () => {
  const temp = useTempDatabase({ serving: true });
  let other: Database.Database;
  let logLines: { msg: string; fields?: Record<string, unknown> }[];
  const recorded = () => temp.db.prepare('SELECT item_id FROM platform_messages ORDER BY item_id').pluck().all();

  beforeEach(() => {
    createRepositories(temp.db).coaches.upsert(coach, testSettings());
    other = new Database(temp.dbFile);
    logLines = [];
  });
  afterEach(() => {
    jest.useRealTimers();
    if (other.inTransaction) other.exec('ROLLBACK');
    other.close();
  });

  const store = () =>
    platformMessageStore(temp.db, () => new Date('2026-11-24T09:00:00Z'), {
      log: {
        debug: () => {},
        info: () => {},
        warn: (msg, fields) => logLines.push({ msg, fields }),
        error: (msg, fields) => logLines.push({ msg, fields }),
      },
    });

  it('is written once the lock is let go', async () => {
    const messages = store();
    other.exec('BEGIN IMMEDIATE');
    expect(messages.record(dm('1700000001.000100'))).toBe(false);
    expect(recorded()).toEqual([]);
    other.exec('COMMIT');
    await waitFor(() => recorded().length === 1, 'the record written after the lock');
    expect(recorded()).toEqual(['1700000001.000100']);
    // Written once: a later retry or a repeat of the record adds nothing.
    expect(messages.record(dm('1700000001.000100'))).toBe(false);
    expect(recorded()).toEqual(['1700000001.000100']);
    expect(logLines).toEqual([]);
  });

  it('is logged with ids only (never content) when the lock is never let go', () => {
    jest.useFakeTimers();
    const messages = store();
    other.exec('BEGIN IMMEDIATE');
    messages.record(dm('1700000002.000100'));
    jest.advanceTimersByTime(5 * 60_000);
    other.exec('COMMIT');
    expect(recorded()).toEqual([]);
    expect(logLines).toHaveLength(1);
    expect(logLines[0].msg).toMatch(/not recorded/);
    expect(logLines[0].fields).toEqual({
      platform: 'slack',
      tenant: 'T0TEAM',
      kind: 'message',
      conversation: 'D000321',
      itemId: '1700000002.000100',
    });
  });
});
