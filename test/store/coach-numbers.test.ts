import type Database from 'better-sqlite3';
import { runCli } from '../../src/cli/index';
import { migrate, openDatabase, schemaVersion } from '../../src/store';
import { MIGRATIONS } from '../../src/store/migrations';
import { openApp } from '../helpers/app';
import { tempDir } from '../helpers/temp-db';

/** Migration 11: coaches.id becomes AUTOINCREMENT, so a deleted coach's number (and audit history) is never reused. */
describe('coach numbers are never reused', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.cleanup());

  const AT = '2026-11-20T09:00:00.000Z';

  /** A schema-8 database: coaches 1-3 with rows everywhere; coach 3 deleted (audit row kept), coach 4 only audited. */
  function schema8(file: string): void {
    const db = openDatabase(file, { migrateTo: 8 });
    expect(schemaVersion(db)).toBe(8);
    const insertCoach = db.prepare(
      `INSERT INTO coaches (id, platform, tenant, user_id, display_name, created_at, next_due_utc, time_zone_set_by_coach)
       VALUES (?, 'slack', 'T1', ?, ?, '${AT}', '2026-11-21T09:00:00.000Z', 1)`,
    );
    for (const id of [1, 2, 3]) insertCoach.run(id, `U${id}`, `Coach ${id}`);
    db.exec(`
      INSERT INTO groups (id, platform, tenant, channel_id, time_zone, created_by, created_at)
        VALUES (1, 'slack', 'T1', 'C1', 'UTC', 2, '${AT}');
      INSERT INTO group_members (group_id, coach_id, joined_at) VALUES (1, 1, '${AT}'), (1, 2, '${AT}');
      INSERT INTO coach_client_companies (coach_id, company_text) VALUES (1, 'Globex'), (2, 'Initech');
    `);
    for (const coach of [1, 2, 3]) {
      db.prepare(
        `INSERT INTO self_checks (coach_id, checked_at, local_date, context, respect, note) VALUES (?, '${AT}', '2026-11-20', 3, 4, 'n')`,
      ).run(coach);
      const issue = db
        .prepare(
          `INSERT INTO prompt_issues (coach_id, prompt_id, local_date, issued_at) VALUES (?, 'p1', '2026-11-20', '${AT}')`,
        )
        .run(coach).lastInsertRowid;
      const reflection = db
        .prepare(
          `INSERT INTO reflections (coach_id, prompt_issue_id, prompt_id, text, created_at, local_date) VALUES (?, ?, 'p1', 'r', '${AT}', '2026-11-20')`,
        )
        .run(coach, issue).lastInsertRowid;
      db.prepare(`INSERT INTO shared_reflections (reflection_id, group_id, shared_at) VALUES (?, 1, '${AT}')`).run(
        reflection,
      );
      db.prepare(
        `INSERT INTO deliveries (recipient, coach_id, platform, kind, local_date, due_at, next_attempt_at, created_at)
         VALUES (?, ?, 'slack', 'prompt', '2026-11-20', '${AT}', '${AT}', '${AT}')`,
      ).run(`coach:${coach}`, coach);
      db.prepare(`INSERT INTO audit_log (at, coach_id, action, actor) VALUES ('${AT}', ?, 'export', 'admin')`).run(
        coach,
      );
    }
    // Deleted before the upgrade: coach 3 (the highest number left was then 2), and long ago coach 4.
    db.prepare('DELETE FROM coaches WHERE id = 3').run();
    db.exec(`INSERT INTO audit_log (at, coach_id, action, actor) VALUES ('${AT}', 3, 'delete', 'admin'),
      ('${AT}', 4, 'delete', 'admin')`);
    db.close();
  }

  /** Everything a rebuild could lose: each table's columns, indexes and foreign keys, and every row. */
  function snapshot(db: Database.Database) {
    const tables = db
      .prepare<[], string>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .pluck()
      .all();
    return Object.fromEntries(
      tables.map((t) => [
        t,
        {
          columns: db.pragma(`table_info("${t}")`),
          foreignKeys: db.pragma(`foreign_key_list("${t}")`),
          indexesAndTriggers: db
            .prepare(
              "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND tbl_name = ? ORDER BY name",
            )
            .all(t),
          rows: db.prepare(`SELECT * FROM "${t}" ORDER BY 1, 2`).all(),
        },
      ]),
    );
  }

  async function cli(file: string, ...args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const env = { TRELLIS_DB: file, TRELLIS_TZ: 'UTC', LOG_LEVEL: 'silent' };
    const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) }, env);
    return { code, out, err };
  }

  it('upgrades schema 8 keeping every number, column, index, foreign key and row', () => {
    const file = dir.file('t.db');
    schema8(file);
    const old = openDatabase(file, { migrateTo: 8 });
    // A trigger on coaches (none ships today) must survive the rebuild like the indexes do.
    old.exec(
      'CREATE TRIGGER coaches_touched AFTER UPDATE OF display_name ON coaches BEGIN UPDATE coaches SET next_due_utc = NULL WHERE id = NEW.id; END',
    );
    // Migrations between 8 and 11 add tables of their own: only what 11 does is compared.
    migrate(
      old,
      MIGRATIONS.filter((m) => m.version < 11),
    );
    const before = snapshot(old);
    expect(old.pragma('legacy_alter_table', { simple: true })).toBe(0);
    expect(
      migrate(
        old,
        MIGRATIONS.filter((m) => m.version <= 11),
      ),
    ).toContain(11);
    expect(snapshot(old)).toEqual(before);
    expect(old.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(old.pragma('foreign_key_check')).toEqual([]);
    expect(old.prepare("SELECT sql FROM sqlite_master WHERE name = 'coaches'").pluck().get()).toMatch(
      /id INTEGER PRIMARY KEY AUTOINCREMENT/,
    );
    // The next number is above every number ever seen, including coach 4 who is only in the audit log.
    expect(old.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'coaches'").pluck().get()).toBe(4);
    old.close();
  });

  it('foreign keys still cascade after the upgrade: deleting a coach removes all their rows', () => {
    const file = dir.file('t.db');
    schema8(file);
    const db = openDatabase(file);
    db.exec(
      `INSERT INTO pending_texts (coach_id, text, created_at) VALUES (1, 'p', '2026-11-20T08:00:00.000Z'), (2, 'p', '2026-11-20T08:00:00.000Z')`,
    );
    // The credential journey's tables (migration 20): a row of each for both coaches.
    const at = "'2026-11-20T08:00:00.000Z'";
    for (const id of [1, 2]) {
      db.exec(`
        INSERT INTO client_sessions (id, coach_id, session_date, minutes, paid, participants, client_code, rubric_version, created_at)
          VALUES (${id}, ${id}, '2026-11-20', 60, 1, 1, 'C${id}', '2025.1', ${at});
        INSERT INTO session_marker_ratings (session_id, rater, rater_coach_id, marker, observed, rubric_version, rated_at)
          VALUES (${id}, 'mentor', ${id}, '4.1', 'observed', '2025.1', ${at});
        INSERT INTO mentoring_logs (coach_id, session_date, minutes, group_size, created_at) VALUES (${id}, '2026-11-20', 60, 1, ${at});
        INSERT INTO session_end_events (coach_id, dedupe_key, ended_at, received_at) VALUES (${id}, 'k', ${at}, ${at});
        INSERT INTO journey_settings (coach_id, after_session_minutes) VALUES (${id}, 10);
        INSERT INTO coach_emails (coach_id, email) VALUES (${id}, 'coach${id}@example.com');
        INSERT INTO session_behaviour_ratings (session_id, rater, rater_coach_id, behaviour, rating, rubric_version, rated_at)
          VALUES (${id}, 'mentor', ${id}, 'empathy', 4, '2025.1', ${at});
        INSERT INTO session_comments (session_id, mentor_coach_id, comment, rubric_version, commented_at)
          VALUES (${id}, ${id}, 'c', '2025.1', ${at});
        INSERT INTO portfolio_picks (coach_id, reflection_id, picked_at)
          SELECT coach_id, min(id), ${at} FROM reflections WHERE coach_id = ${id} GROUP BY coach_id;
      `);
    }
    // Mentor relations (migration 22): coach 1 mentored by a new coach, coach 2 by 1; each with a shared session.
    const mentorId = db
      .prepare(
        `INSERT INTO coaches (platform, tenant, user_id, display_name, created_at) VALUES ('slack', 'T1', 'U9', 'Mentor', ${at})`,
      )
      .run().lastInsertRowid;
    for (const [id, coach, mentor] of [
      [1, 1, Number(mentorId)],
      [2, 2, 1],
    ]) {
      db.exec(`
        INSERT INTO mentor_relations (id, coach_id, mentor_coach_id, status, invited_at) VALUES (${id}, ${coach}, ${mentor}, 'active', ${at});
        INSERT INTO session_shares (session_id, relation_id, shared_at) VALUES (${coach}, ${id}, ${at});
      `);
    }
    const referencing = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[])
      .flatMap((table) =>
        (db.pragma(`foreign_key_list("${table}")`) as { table: string; from: string; on_delete: string }[])
          .filter((fk) => fk.table === 'coaches')
          .map((fk) => ({ table, column: fk.from, onDelete: fk.on_delete })),
      )
      .sort((a, b) => `${a.table}.${a.column}`.localeCompare(`${b.table}.${b.column}`));
    expect(referencing).toEqual(
      expect.arrayContaining([
        { table: 'coach_client_companies', column: 'coach_id', onDelete: 'CASCADE' },
        { table: 'deliveries', column: 'coach_id', onDelete: 'CASCADE' },
        { table: 'group_members', column: 'coach_id', onDelete: 'CASCADE' },
        { table: 'groups', column: 'created_by', onDelete: 'SET NULL' },
        { table: 'pending_texts', column: 'coach_id', onDelete: 'CASCADE' },
        { table: 'prompt_issues', column: 'coach_id', onDelete: 'CASCADE' },
        { table: 'reflections', column: 'coach_id', onDelete: 'CASCADE' },
        { table: 'self_checks', column: 'coach_id', onDelete: 'CASCADE' },
      ]),
    );
    db.prepare('DELETE FROM coaches WHERE id = 2').run();
    for (const { table, column, onDelete } of referencing) {
      const left = db.prepare(`SELECT count(*) FROM "${table}" WHERE "${column}" = 2`).pluck().get();
      expect({ table, left }).toEqual({ table, left: 0 });
      if (onDelete === 'CASCADE')
        expect({ table, rows: db.prepare(`SELECT count(*) FROM "${table}"`).pluck().get() }).not.toEqual({
          table,
          rows: 0,
        });
    }
    expect(db.prepare('SELECT created_by FROM groups WHERE id = 1').pluck().get()).toBeNull();
    // Coach 2's shared reflection went with their reflection; coach 1's is still there.
    expect(db.prepare('SELECT count(*) FROM shared_reflections').pluck().get()).toBe(1);
    db.close();
  });

  it('deleting the newest coach does not hand their number, or their audit history, to the next coach', async () => {
    const file = dir.file('t.db');
    const app = openApp(file);
    app.trellis.handleText({ platform: 'slack', tenant: 'T1', user: 'U-ANA' }, '/selfcheck 4 3 5 4 4 2');
    const ben = { platform: 'slack', tenant: 'T1', user: 'U-BEN' } as const;
    app.trellis.handleText(ben, '/selfcheck 4 3 5 4 4 2');
    const benId = app.trellis.coach(ben).id;
    app.close();
    expect(benId).toBe(2);

    expect((await cli(file, 'delete', '--coach', String(benId), '--yes')).code).toBe(0);
    expect((await cli(file, 'audit', '--coach', String(benId))).out).not.toEqual([]);

    const again = openApp(file);
    again.trellis.handleText({ platform: 'slack', tenant: 'T1', user: 'U-CARA' }, '/selfcheck 4 3 5 4 4 2');
    const caraId = again.trellis.coach({ platform: 'slack', tenant: 'T1', user: 'U-CARA' }).id;
    again.close();
    expect(caraId).toBe(3);
    expect(await cli(file, 'audit', '--coach', String(caraId))).toMatchObject({ code: 0, out: [] });
  });

  it('numbers of coaches deleted before the upgrade are not reused either', async () => {
    const file = dir.file('t.db');
    schema8(file);
    const app = openApp(file);
    const dan = { platform: 'slack', tenant: 'T1', user: 'U-DAN' } as const;
    app.trellis.handleText(dan, '/selfcheck 4 3 5 4 4 2');
    const danId = app.trellis.coach(dan).id;
    app.close();
    expect(danId).toBe(5);
    expect(await cli(file, 'audit', '--coach', String(danId))).toMatchObject({ code: 0, out: [] });
  });

  it('a migration run with foreign keys off that breaks a reference rolls back and turns them back on', () => {
    const db = openDatabase(dir.file('t.db'));
    const version = schemaVersion(db);
    const breaking = {
      version: version + 1,
      name: 'breaks a reference',
      foreignKeysOff: true as const,
      sql: "INSERT INTO self_checks (coach_id, checked_at, local_date) VALUES (999, 'x', '2026-11-20')",
    };
    expect(() => migrate(db, [...MIGRATIONS, breaking])).toThrow(/Migration \d+ left 1 broken references/);
    expect(schemaVersion(db)).toBe(version);
    expect(db.prepare('SELECT count(*) FROM self_checks').pluck().get()).toBe(0);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });
});
