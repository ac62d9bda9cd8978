import { openDatabase, schemaVersion } from '../../src/store';
import { scheduleStore } from '../../src/store/schedule';
import { tempDbFile } from '../helpers/temp-db';
import { makeSchedulerHarness } from './harness';

test('coaches from before the schedule existed (schema 2) get a next due instant on the first tick', async () => {
  const x = await makeSchedulerHarness({ start: '2026-11-24T08:00:00Z' });
  try {
    // Simulate an upgraded database: the coach row has no next due instant yet.
    const c = x.addCoach({ timeZone: 'Europe/London' });
    x.db.prepare('UPDATE coaches SET next_due_utc = NULL').run();
    expect(x.schedule.dueCoaches('slack', '2026-11-30T00:00:00Z', 10)).toHaveLength(0);
    await x.tickEveryMinute('2026-11-24T08:00:00Z', '2026-11-24T09:00:00Z', 5);
    expect(x.postsTo(c.channel)).toHaveLength(1);
  } finally {
    await x.close();
  }
});

test('migration 3 applies on top of schema 2 and keeps existing coaches, who then await their backfill', () => {
  const { file, cleanup } = tempDbFile();
  try {
    const old = openDatabase(file, { migrateTo: 2 });
    old
      .prepare(
        `INSERT INTO coaches (platform, tenant, user_id, created_at) VALUES ('slack', 'T1', 'U1', '2026-01-01T00:00:00.000Z')`,
      )
      .run();
    expect(schemaVersion(old)).toBe(2);
    old.close();
    const db = openDatabase(file);
    expect(schemaVersion(db)).toBeGreaterThanOrEqual(3);
    const store = scheduleStore(db);
    expect(store.missingNextDue(10).map((c) => c.user)).toEqual(['U1']);
    expect(db.prepare('SELECT count(*) AS n FROM deliveries').get()).toEqual({ n: 0 });
    db.close();
  } finally {
    cleanup();
  }
});
