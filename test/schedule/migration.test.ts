import { openDatabase, schemaVersion } from '../../src/store';
import { deliveryStore } from '../../src/store/deliveries';
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

test('migration 12: a row left mid-send by a sender from before stages were recorded is released as uncertain', () => {
  const { file, cleanup } = tempDbFile();
  try {
    const old = openDatabase(file, { migrateTo: 8 });
    const insert = old.prepare(
      `INSERT INTO deliveries (recipient, platform, kind, local_date, due_at, next_attempt_at, status, claim_token,
         claimed_at, created_at)
       VALUES (?, 'slack', 'digest', '2026-11-27', '2026-11-27T15:00:00.000Z', '2026-11-27T15:00:00.000Z', ?, ?, ?,
         '2026-11-27T14:00:00.000Z')`,
    );
    insert.run('channel:T1:C1', 'sending', 'old-token', '2026-11-27T15:00:01.000Z');
    insert.run('channel:T1:C2', 'pending', null, null);
    old.close();
    const db = openDatabase(file);
    expect(schemaVersion(db)).toBeGreaterThanOrEqual(12);
    const outbox = deliveryStore(db);
    expect(outbox.releaseAbandoned('2026-11-27T16:00:00.000Z')).toBe(1);
    expect(outbox.byKey('channel:T1:C1', 'digest', '2026-11-27')).toMatchObject({
      status: 'pending',
      uncertain: true,
      stage: null,
      inDoubt: false,
    });
    // Claimed again, it is asked about before anything is sent; the untouched row is a plain first try.
    const claimed = outbox.claimNext('slack', '2026-11-27T16:00:00.000Z', 'new-token');
    expect(claimed).toMatchObject({ recipient: 'channel:T1:C1', stage: 'claimed', uncertain: true });
    expect(outbox.byKey('channel:T1:C2', 'digest', '2026-11-27')).toMatchObject({ uncertain: false, stage: null });
    db.close();
  } finally {
    cleanup();
  }
});

test('a row that died while its message was still being built is released without doubt', () => {
  const { file, cleanup } = tempDbFile();
  try {
    const db = openDatabase(file);
    const outbox = deliveryStore(db);
    const row = {
      coachId: null,
      platform: 'teams' as const,
      localDate: '2026-11-27',
      dueAt: '2026-11-27T15:00:00.000Z',
    };
    outbox.enqueue({ ...row, recipient: 'channel:T1:C1', kind: 'digest' }, '2026-11-27T14:00:00.000Z');
    outbox.enqueue({ ...row, recipient: 'channel:T1:C2', kind: 'digest' }, '2026-11-27T14:00:00.000Z');
    const building = outbox.claimNext('teams', '2026-11-27T15:00:00.000Z', 'a');
    const posting = outbox.claimNext('teams', '2026-11-27T15:00:00.000Z', 'b');
    expect(outbox.markStage(posting?.id ?? 0, 'b', 'posting', '2026-11-27T15:00:00.000Z')).toBe(true);
    expect(outbox.markStage(posting?.id ?? 0, 'stolen', 'posted', '2026-11-27T15:00:00.000Z', 'x')).toBe(false);
    expect(outbox.releaseAbandoned('2026-11-27T16:00:00.000Z')).toBe(2);
    expect(outbox.byKey(building?.recipient ?? '', 'digest', '2026-11-27')?.uncertain).toBe(false);
    expect(outbox.byKey(posting?.recipient ?? '', 'digest', '2026-11-27')?.uncertain).toBe(true);
    db.close();
  } finally {
    cleanup();
  }
});
