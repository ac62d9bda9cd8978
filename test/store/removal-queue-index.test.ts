import type { PostedItem } from '../../src/core/ports';
import { createRepositories, type Db, openDatabase } from '../../src/store';
import { platformMessageStore, QUEUE_SQL } from '../../src/store/platform-messages';
import { testSettings } from '../helpers/settings';
import { tempDir } from '../helpers/temp-db';

const coach = { platform: 'teams' as const, tenant: 'tenant-1', user: '29:coach-1' };
const reply = (n: number): PostedItem => ({
  ...coach,
  kind: 'message',
  conversation: 'a:personal-1',
  itemId: `activity-${n}`,
  serviceUrl: 'https://smba.example.test/teams/',
});

/** Entries in one index's leaf pages (SQLite's dbstat table): what each insert into the table paid for. */
const entries = (db: Db, index: string) =>
  db.prepare("SELECT coalesce(sum(ncell), 0) FROM dbstat WHERE name = ? AND pagetype = 'leaf'").pluck().get(index);

const plan = (db: Db, sql: string, ...params: unknown[]) =>
  (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ');

/**
 * Migration 29: the removal queue's index leaves posted messages out. Each reply's record (one a Teams turn) went
 * into it although nothing ever read a posted row through it; removal (delete, stop, retention) must still find
 * everything posted.
 */
describe('the removal queue index', () => {
  const dir = tempDir();
  afterAll(() => dir.cleanup());
  let n = 0;
  const open = (migrateTo?: number) => openDatabase(dir.file(`db-${n++}.db`), migrateTo ? { migrateTo } : {});

  it('holds no posted message, and a delete still queues, claims and removes every one', () => {
    const db = open();
    createRepositories(db).coaches.upsert(coach, testSettings());
    const store = platformMessageStore(db, () => new Date('2026-12-01T09:00:00Z'));
    for (let i = 0; i < 50; i++) expect(store.record(reply(i))).toBe(true);
    expect(entries(db, 'platform_messages_ready')).toBe(0);
    expect(entries(db, 'platform_messages_by_user')).toBe(50);
    expect(store.openCount('teams')).toBe(0);

    expect(store.queueCoach(coach, 'delete', '2026-12-01T09:00:00.000Z')).toBe(50);
    expect(entries(db, 'platform_messages_ready')).toBe(50);
    expect(store.openCount('teams')).toBe(50);
    expect(store.openCount()).toBe(50);
    expect(store.nextPendingAt('teams')).toBe('2026-12-01T09:00:00.000Z');
    const removed: string[] = [];
    for (;;) {
      const item = store.claimNext('teams', '2026-12-01T09:00:01.000Z', 'token');
      if (!item) break;
      expect(store.markRemoved(item.id, 'token')).toBe(true);
      removed.push(item.itemId);
    }
    expect(removed).toHaveLength(50);
    expect(store.openCount()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM platform_messages').pluck().get()).toBe(0);
    db.close();
  });

  it('is what every query of the queue is answered from', () => {
    const db = open();
    const params: Record<keyof typeof QUEUE_SQL, unknown[]> = {
      claim: ['token', 'now', 'teams', 'now'],
      release: ['before'],
      nextPending: ['teams'],
      openAll: [],
      openFor: ['teams'],
    };
    for (const [name, sql] of Object.entries(QUEUE_SQL)) {
      expect(`${name}: ${plan(db, sql, ...params[name as keyof typeof QUEUE_SQL])}`).toContain(
        'platform_messages_ready',
      );
    }
    db.close();
  });

  it('keeps a queued row of an older database claimable after the upgrade', () => {
    const old = open(28);
    createRepositories(old).coaches.upsert(coach, testSettings());
    const before = platformMessageStore(old, () => new Date('2026-12-01T09:00:00Z'));
    for (let i = 0; i < 3; i++) before.record(reply(i));
    old
      .prepare("UPDATE platform_messages SET status = 'queued', next_attempt_at = 'a' WHERE item_id = 'activity-1'")
      .run();
    expect(entries(old, 'platform_messages_ready')).toBe(3);
    const file = old.name;
    old.close();

    const db = openDatabase(file);
    expect(entries(db, 'platform_messages_ready')).toBe(1);
    const store = platformMessageStore(db);
    expect(store.claimNext('teams', 'b', 'token')?.itemId).toBe('activity-1');
    db.close();
  });
});
