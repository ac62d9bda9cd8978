import Database from 'better-sqlite3';
import { createRepositories, openDatabase, schemaVersion } from '../../src/store';
import { MIGRATIONS } from '../../src/store/migrations';
import { PREVIOUS_SQL, RECENT_SQL } from '../../src/store/self-checks';
import { coachWindowSql } from '../../src/store/weekly-stats';
import { testSettings } from '../helpers/settings';
import { tempDbFile } from '../helpers/temp-db';

const defaults = testSettings();

describe('the SQLite store', () => {
  let t: ReturnType<typeof tempDbFile>;
  beforeEach(() => {
    t = tempDbFile();
  });
  afterEach(() => t.cleanup());

  it('opens with WAL, foreign keys and a busy timeout, migrated to the latest version', () => {
    const db = openDatabase(t.file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(schemaVersion(db)).toBe(Math.max(...MIGRATIONS.map((m) => m.version)));
    db.close();
  });

  it('upgrades a database from the first schema without losing its rows', () => {
    const old = openDatabase(t.file, { migrateTo: 1 });
    expect(schemaVersion(old)).toBe(1);
    old
      .prepare(
        "INSERT INTO coaches (platform, tenant, user_id, created_at) VALUES ('slack', 'T1', 'U1', '2026-01-01T00:00:00Z')",
      )
      .run();
    old
      .prepare(
        "INSERT INTO self_checks (coach_id, checked_at, local_date, context, note) VALUES (1, '2026-01-02T09:00:00Z', '2026-01-02', 3, 'old note')",
      )
      .run();
    old.close();

    const db = openDatabase(t.file);
    expect(schemaVersion(db)).toBeGreaterThanOrEqual(2);
    const repos = createRepositories(db);
    const coach = repos.coaches.find({ platform: 'slack', tenant: 'T1', user: 'U1' });
    expect(coach?.timeZoneSetByCoach).toBe(false);
    expect(repos.selfChecks.recent(coach?.id ?? 0, 5)).toEqual([
      expect.objectContaining({ ratings: { context: 3 }, note: 'old note', localDate: '2026-01-02' }),
    ]);
    db.close();
  });

  it('indexes self-checks once, by coach and date, and reads every window from that index', () => {
    const old = openDatabase(t.file, { migrateTo: 7 });
    const indexes = (db: Database.Database) =>
      db
        .prepare<[], { name: string }>(
          "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'self_checks' AND sql IS NOT NULL ORDER BY name",
        )
        .all()
        .map((r) => r.name);
    expect(indexes(old)).toContain('self_checks_by_date');
    old.close();

    const db = openDatabase(t.file);
    expect(indexes(db)).toEqual([
      'self_checks_by_checked_at',
      'self_checks_by_coach_date',
      'self_checks_by_coach_time',
      'self_checks_request_key',
    ]);
    // Weekly summaries and digests for everyone: a search per coach or member, never a scan of every check-in.
    const details = (sql: string) =>
      db
        .prepare<[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
        .all()
        .map((r) => r.detail);
    const everyone = details(coachWindowSql('').replace(/@(from|to)/g, "'2026-01-01'"));
    expect(everyone.filter((d) => / s /.test(` ${d} `) || d.includes('self_checks'))).toEqual([
      expect.stringMatching(/^SEARCH s USING COVERING INDEX self_checks_by_coach_date \(coach_id=\? AND local_date/),
      expect.stringMatching(/^SEARCH s USING COVERING INDEX reflections_by_coach_date \(coach_id=\? AND local_date/),
    ]);
    // Both sides come out in (coach, date) order and are merged: nothing is sorted in a temporary b-tree.
    expect(everyone.join('\n')).not.toMatch(/TEMP B-TREE/);
    db.close();
  });

  it("reads a coach's latest self-checks and the one before a check-in from an index, never sorting them all", () => {
    const db = openDatabase(t.file);
    const plan = (sql: string) =>
      db
        .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
        .all(1, 2)
        .map((r) => r.detail)
        .join('\n');
    // Every quick check-in runs the second; sorting a coach's whole record each time grew with every check-in.
    for (const sql of [RECENT_SQL, PREVIOUS_SQL]) {
      expect(plan(sql)).toMatch(/USING INDEX self_checks_by_coach_time \(coach_id=\?\)/);
      expect(plan(sql)).not.toMatch(/TEMP B-TREE/);
    }
    const repos = createRepositories(db, () => new Date('2026-03-02T10:00:00Z'));
    const coach = repos.coaches.upsert({ platform: 'slack', tenant: 'T1', user: 'U1' }, defaults);
    const other = repos.coaches.upsert({ platform: 'slack', tenant: 'T1', user: 'U2' }, defaults);
    const add = (coachId: number, checkedAt: string, context: 1 | 2 | 3 | 4 | 5) =>
      repos.selfChecks.add({ coachId, checkedAt, localDate: checkedAt.slice(0, 10), ratings: { context }, note: null })
        .check;
    const first = add(coach.id, '2026-03-01T09:00:00.000Z', 2);
    add(other.id, '2026-03-01T10:00:00.000Z', 5);
    const second = add(coach.id, '2026-03-02T09:00:00.000Z', 4);
    expect(repos.selfChecks.previous(coach.id, second.id)).toEqual(first);
    expect(repos.selfChecks.previous(coach.id, first.id)).toBeUndefined();
    expect(repos.selfChecks.recent(coach.id, 5).map((c) => c.id)).toEqual([second.id, first.id]);
    db.close();
  });

  it('refuses a database newer than this code', () => {
    const raw = new Database(t.file);
    raw.pragma('user_version = 999');
    raw.close();
    expect(() => openDatabase(t.file)).toThrow(/newer than this Trellis/);
  });

  it('keeps Slack, Teams and the terminal chat apart for the same user id', () => {
    const db = openDatabase(t.file);
    const repos = createRepositories(db);
    const a = repos.coaches.upsert({ platform: 'slack', tenant: 'T1', user: 'U1' }, defaults);
    const b = repos.coaches.upsert({ platform: 'teams', tenant: 'T1', user: 'U1' }, defaults);
    const c = repos.coaches.upsert({ platform: 'slack', tenant: 'T2', user: 'U1' }, defaults);
    const again = repos.coaches.upsert({ platform: 'slack', tenant: 'T1', user: 'U1' }, defaults);
    expect(new Set([a.id, b.id, c.id]).size).toBe(3);
    expect(again.id).toBe(a.id);
    expect(repos.coaches.count()).toBe(3);
    db.close();
  });

  it('records a retried write once, keyed on the request', () => {
    const db = openDatabase(t.file);
    const repos = createRepositories(db);
    const coach = repos.coaches.upsert({ platform: 'slack', tenant: 'T1', user: 'U1' }, defaults);
    const check = {
      coachId: coach.id,
      checkedAt: '2026-11-24T09:00:00Z',
      localDate: '2026-11-24',
      ratings: { context: 4 as const },
      note: null,
      requestKey: 'slack:trigger-1',
    };
    const first = repos.selfChecks.add(check);
    const retry = repos.selfChecks.add({ ...check, ratings: { context: 2 } });
    expect(first.created).toBe(true);
    expect(retry.created).toBe(false);
    expect(retry.check.id).toBe(first.check.id);
    expect(repos.selfChecks.count(coach.id)).toBe(1);
    db.close();
  });

  it('stores ratings and settings round trip, and rolls a failed transaction back whole', () => {
    const db = openDatabase(t.file);
    const repos = createRepositories(db);
    const coach = repos.coaches.upsert({ platform: 'console', tenant: 'local', user: 'me' }, defaults);
    const updated = repos.coaches.updateSettings(
      coach.id,
      { ...coach.settings, promptDays: [2, 4], level: 'MCC', timeZone: 'Asia/Kathmandu' },
      true,
    );
    expect(updated.settings).toEqual({
      ...coach.settings,
      promptDays: [2, 4],
      level: 'MCC',
      timeZone: 'Asia/Kathmandu',
    });
    expect(updated.timeZoneSetByCoach).toBe(true);
    expect(() =>
      repos.transaction(() => {
        repos.reflections.add({
          coachId: coach.id,
          promptIssueId: null,
          promptId: null,
          text: 'kept?',
          createdAt: '2026-11-24T10:00:00Z',
          localDate: '2026-11-24',
        });
        throw new Error('disk on fire');
      }),
    ).toThrow('disk on fire');
    expect(repos.reflections.count(coach.id)).toBe(0);
    // The schema itself refuses an out-of-range rating, whatever code sends it.
    expect(() =>
      db
        .prepare("INSERT INTO self_checks (coach_id, checked_at, local_date, context) VALUES (?, 'x', '2026-01-01', 6)")
        .run(coach.id),
    ).toThrow(/CHECK/);
    db.close();
  });

  it('issues one prompt per coach and local date', () => {
    const db = openDatabase(t.file);
    const repos = createRepositories(db);
    const coach = repos.coaches.upsert({ platform: 'console', tenant: 'local', user: 'me' }, defaults);
    const a = repos.promptIssues.issue(coach.id, 'context-01', '2026-11-24', '2026-11-24T09:00:00Z');
    const b = repos.promptIssues.issue(coach.id, 'respect-02', '2026-11-24', '2026-11-24T10:00:00Z');
    expect(b).toEqual(a);
    repos.promptIssues.issue(coach.id, 'respect-02', '2026-11-25', '2026-11-25T09:00:00Z');
    expect(repos.promptIssues.history(coach.id)).toEqual(['context-01', 'respect-02']);
    expect(repos.promptIssues.latest(coach.id)?.localDate).toBe('2026-11-25');
    db.close();
  });
});
