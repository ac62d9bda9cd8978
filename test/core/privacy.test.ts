import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { runCli } from '../../src/cli/index';
import type { CoachRef } from '../../src/core/model';
import { csvCell, retentionCutoff, toCsv } from '../../src/core/privacy';
import { containsText, newKey, openApp } from '../helpers/app';
import { parseCsv } from '../helpers/csv';
import { tempDir } from '../helpers/temp-db';

const ana: CoachRef = { platform: 'slack', tenant: 'T1', user: 'U-ANA' };
const ben: CoachRef = { platform: 'slack', tenant: 'T1', user: 'U-BEN' };
const texts = (reply: ReturnType<import('../../src/core/trellis').Trellis['handleText']>) =>
  reply.type === 'messages' ? reply.messages : [];

/** Every table with a foreign key to coaches, and the column: the tables a deletion must empty for a coach. */
function tablesReferencingCoaches(db: Database.Database): { table: string; column: string }[] {
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    .pluck()
    .all() as string[];
  return tables.flatMap((table) =>
    (db.pragma(`foreign_key_list("${table}")`) as { table: string; from: string }[])
      .filter((fk) => fk.table === 'coaches')
      .map((fk) => ({ table, column: fk.from })),
  );
}

describe('export, delete and retention', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.cleanup());

  function seed(app: ReturnType<typeof openApp>) {
    const t = app.trellis;
    t.handleText(ana, '/selfcheck 4 3 5 4 4 2 "=cmd|calc, a note with "quotes", commas and\nnewline"');
    t.handleText(ana, 'prompt');
    t.handleText(ana, 'Ana-reflection: I let the silence sit');
    app.clock.advanceMinutes(60 * 24);
    t.handleText(ana, '/selfcheck 5 5 5 5 5 - second day');
    t.handleText(ana, 'settings time 07:30');
    t.handleText(ben, '/selfcheck 3 3 3 3 3 3 Ben note');
    t.handleText(ben, 'prompt');
    t.handleText(ben, 'Ben reflection');
  }

  it('files on consent (Teams): no audit when offered; exportFile rebuilds one file, audited when delivered', () => {
    const app = openApp(dir.file('t.db'), { TRELLIS_ENCRYPTION_KEY: newKey() });
    seed(app);
    const coach = app.repos.coaches.find(ana)!;
    const [m] = texts(app.trellis.handleText(ana, 'export', { filesOnConsent: true }));
    expect(m.files?.map((f) => f.kind)).toEqual(['export', 'self-checks', 'reflections', 'prompts', 'settings']);
    expect(app.repos.privacy.auditFor(coach.id)).toEqual([]);

    const offered = m.files!.find((f) => f.kind === 'self-checks')!;
    const exported = app.trellis.exportFile(ana, 'self-checks')!;
    expect(exported.file).toEqual(offered);
    expect(app.repos.privacy.auditFor(coach.id)).toEqual([]);
    exported.delivered();
    const checkIds = app.repos.selfChecks
      .recent(coach.id, 10)
      .map((c) => c.id)
      .sort((a, b) => a - b);
    expect(checkIds).toHaveLength(2);
    expect(app.repos.privacy.auditFor(coach.id)).toEqual([
      expect.objectContaining({
        action: 'export',
        actor: 'coach',
        objectIds: { file: 'self-checks', selfChecks: checkIds },
      }),
    ]);
    expect(app.trellis.exportFile({ ...ana, user: 'U-NOBODY' }, 'export')).toBeUndefined();
    app.close();
  });

  it('/selfcheck export gives every record as JSON and CSV, and audits it with ids only', () => {
    const app = openApp(dir.file('t.db'), { TRELLIS_ENCRYPTION_KEY: newKey() });
    seed(app);
    const [m] = texts(app.trellis.handleText(ana, '/selfcheck export'));
    expect(m.files?.map((f) => f.filename)).toEqual([
      'trellis-export-2026-11-25.json',
      'trellis-self-checks-2026-11-25.csv',
      'trellis-reflections-2026-11-25.csv',
      'trellis-prompts-2026-11-25.csv',
      'trellis-settings-2026-11-25.csv',
    ]);
    const json = JSON.parse(m.files![0].content);
    expect(json.coach).toMatchObject({ platform: 'slack', tenant: 'T1', user: 'U-ANA' });
    expect(json.coach.settings.promptTime).toBe('07:30');
    expect(json.selfChecks).toHaveLength(2);
    expect(json.selfChecks[0].note).toBe('=cmd|calc, a note with "quotes", commas and\nnewline');
    expect(json.selfChecks[1].ratings).toEqual({ context: 5, respect: 5, talents: 5, empathy: 5, feelings: 5 });
    expect(json.reflections.map((r: { text: string }) => r.text)).toEqual(['Ana-reflection: I let the silence sit']);
    expect(json.reflections[0].prompt).toEqual(expect.any(String));
    expect(json.promptsIssued).toHaveLength(1);
    expect(JSON.stringify(json)).not.toContain('Ben');

    const checks = parseCsv(m.files![1].content);
    expect(checks[0]).toEqual([
      'id',
      'local_date',
      'checked_at',
      'context',
      'respect',
      'talents',
      'empathy',
      'feelings',
      'openness',
      'note',
    ]);
    expect(checks).toHaveLength(3);
    // The note survives quoting; a spreadsheet would not run it as a formula.
    expect(checks[1][9]).toBe('\'=cmd|calc, a note with "quotes", commas and\nnewline');
    expect(checks[2].slice(3)).toEqual(['5', '5', '5', '5', '5', '', 'second day']);
    expect(parseCsv(m.files![2].content)[1][5]).toBe('Ana-reflection: I let the silence sit');
    expect(parseCsv(m.files![4].content)).toContainEqual(['prompt_time', '07:30']);

    const coach = app.repos.coaches.find(ana)!;
    const audit = app.repos.privacy.auditFor(coach.id);
    expect(audit).toEqual([
      expect.objectContaining({ action: 'export', actor: 'coach', coachId: coach.id, at: '2026-11-25T09:00:00.000Z' }),
    ]);
    expect(JSON.stringify(audit)).not.toMatch(/note|silence|quotes/);
    app.close();
  });

  it('/selfcheck delete asks first; "delete confirm" removes every row about the coach, and only them', () => {
    const file = dir.file('t.db');
    const app = openApp(file);
    seed(app);
    const anaId = app.repos.coaches.find(ana)!.id;
    const benId = app.repos.coaches.find(ben)!.id;
    const [ask] = texts(app.trellis.handleText(ana, '/selfcheck delete'));
    expect(ask.buttons?.map((b) => b.action)).toEqual(['confirm_delete', 'confirm_delete_messages', 'cancel']);
    expect(ask.lines.join(' ')).toMatch(/delete confirm/);
    expect(app.repos.selfChecks.count(anaId)).toBe(2); // asking deleted nothing

    const refs = tablesReferencingCoaches(app.db);
    expect(refs.map((r) => r.table)).toEqual(expect.arrayContaining(['self_checks', 'reflections', 'prompt_issues']));
    const rowsFor = (id: number) =>
      refs.reduce(
        (n, r) =>
          n + (app.db.prepare(`SELECT count(*) FROM "${r.table}" WHERE "${r.column}" = ?`).pluck().get(id) as number),
        0,
      );
    const benBefore = rowsFor(benId);
    expect(rowsFor(anaId)).toBeGreaterThan(0);

    const [done] = texts(app.trellis.handleText(ana, 'delete confirm'));
    expect(done.lines[0]).toBe(
      "Deleted: 2 self-checks, 1 reflection, 1 prompt and your settings. Trellis's database holds no more data about you (the audit log keeps only a number and the counts).",
    );
    expect(app.repos.coaches.find(ana)).toBeUndefined();
    expect(rowsFor(anaId)).toBe(0);
    expect(rowsFor(benId)).toBe(benBefore);
    const audit = app.repos.privacy.auditFor(anaId);
    expect(audit.map((a) => a.action)).toEqual(['delete']);
    expect(audit[0].objectIds).toEqual({ coaches: 1, self_checks: 2, reflections: 1, prompt_issues: 1 });
    // A second confirmation finds nothing and creates nothing.
    expect(texts(app.trellis.handleText(ana, '/selfcheck delete confirm'))[0].lines[0]).toMatch(/nothing to delete/);
    expect(app.repos.coaches.find(ana)).toBeUndefined();
    app.close();
    expect(containsText(file, 'Ana-reflection')).toBe(false);
    expect(containsText(file, 'commas and')).toBe(false);
    expect(containsText(file, 'Ben reflection')).toBe(true);
  });

  it('every table that mentions a coach reaches coaches through a cascading foreign key', () => {
    const app = openApp(dir.file('t.db'));
    const tables = app.db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .pluck()
      .all() as string[];
    // The audit log keeps numbers only and must outlive a deletion; meta is not about anyone.
    const exempt = new Set(['coaches', 'audit_log', 'meta']);
    for (const table of tables.filter((t) => !exempt.has(t))) {
      const columns = (app.db.pragma(`table_info("${table}")`) as { name: string }[]).map((c) => c.name);
      const fks = app.db.pragma(`foreign_key_list("${table}")`) as { table: string; from: string; on_delete: string }[];
      for (const column of columns.filter((c) => /coach/i.test(c))) {
        const fk = fks.find((f) => f.from === column);
        expect({ table, column, references: fk?.table, onDelete: fk?.on_delete }).toEqual({
          table,
          column,
          references: 'coaches',
          onDelete: 'CASCADE',
        });
      }
      // Tables that hang off another table (not coaches) must cascade too, or a deletion would fail or leave rows.
      for (const fk of fks)
        expect({ table, fk: fk.from, onDelete: fk.on_delete }).not.toEqual(
          expect.objectContaining({ onDelete: 'NO ACTION' }),
        );
    }
    app.close();
  });

  it('retention purges notes and reflections older than N days; ratings stay as numbers', () => {
    const file = dir.file('t.db');
    const app = openApp(file, { TRELLIS_RETENTION_DAYS: '30' });
    app.trellis.handleText(ana, '/selfcheck 2 3 4 5 1 2 OLD-NOTE about client Chen');
    app.trellis.handleText(ana, 'prompt');
    app.trellis.handleText(ana, 'OLD-REFLECTION Chen went quiet');
    const dm = { platform: 'slack', tenant: 'T1', user: 'U-ANA', kind: 'message', conversation: 'D-ANA' } as const;
    app.removals.store.record({ ...dm, itemId: '100.1' });
    app.clock.advanceMinutes(60 * 24 * 29);
    app.trellis.handleText(ana, '/selfcheck 4 4 4 4 4 4 NEW-NOTE');
    app.removals.store.record({ ...dm, itemId: '200.1' });
    expect(app.trellis.runRetention()).toEqual({
      ran: true,
      cutoff: '2026-11-23T09:00:00.000Z',
      notes: 0,
      reflections: 0,
      messages: 0,
    });
    app.clock.advanceMinutes(60 * 24 * 2);
    const result = app.trellis.runRetention();
    expect(result).toEqual({
      ran: true,
      cutoff: retentionCutoff(app.clock.now(), 30),
      notes: 1,
      reflections: 1,
      messages: 1,
    });
    // Trellis's own DM from before the cutoff is queued for removal from Slack; the newer one stays.
    expect(app.removals.store.list('open').map((r) => [r.itemId, r.status])).toEqual([['100.1', 'queued']]);
    const id = app.repos.coaches.find(ana)!.id;
    const checks = app.repos.selfChecks.recent(id, 10);
    expect(checks.map((c) => c.note)).toEqual(['NEW-NOTE', null]);
    expect(checks[1].ratings).toEqual({ context: 2, respect: 3, talents: 4, empathy: 5, feelings: 1, openness: 2 });
    expect(app.repos.reflections.count(id)).toBe(0);
    expect(app.trellis.runRetention()).toMatchObject({ notes: 0, reflections: 0 }); // idempotent
    const purges = app.db.prepare("SELECT actor, object_ids FROM audit_log WHERE action = 'purge'").all();
    expect(purges).toEqual([
      { actor: 'scheduler', object_ids: JSON.stringify({ notes: 1, reflections: 1, cutoff: result.cutoff }) },
    ]);
    app.close();
    expect(containsText(file, 'OLD-NOTE')).toBe(false);
    expect(containsText(file, 'Chen went quiet')).toBe(false);
    expect(containsText(file, 'NEW-NOTE')).toBe(true);
  });

  it('without TRELLIS_RETENTION_DAYS nothing is purged', () => {
    const app = openApp(dir.file('t.db'));
    app.trellis.handleText(ana, '/selfcheck 2 3 4 5 1 2 kept');
    app.clock.advanceMinutes(60 * 24 * 3650);
    expect(app.trellis.runRetention()).toEqual({ ran: false, notes: 0, reflections: 0, messages: 0 });
    expect(app.repos.selfChecks.recent(app.repos.coaches.find(ana)!.id, 1)[0].note).toBe('kept');
    app.close();
  });

  it('CSV cells are quoted and formula-safe', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('+1 call')).toBe("'+1 call");
    expect(csvCell('@here')).toBe("'@here");
    expect(csvCell(null)).toBe('');
    expect(csvCell(3)).toBe('3');
    expect(toCsv(['a', 'b'], [[1, 'x\ny']])).toBe('a,b\r\n1,"x\ny"\r\n');
  });

  it('admin CLI: export to a folder, delete with --yes, purge, audit', async () => {
    const file = dir.file('t.db');
    const app = openApp(file);
    seed(app);
    const anaId = app.repos.coaches.find(ana)!.id;
    app.close();
    const out: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(l) };
    const env = { TRELLIS_DB: file, LOG_LEVEL: 'silent' as const };
    const exportDir = dir.file('exports');

    expect(await runCli(['export', '--coach', 'slack:T1:U-ANA', '--out', exportDir], io, env)).toBe(0);
    const [folder] = fs.readdirSync(exportDir);
    expect(fs.readdirSync(path.join(exportDir, folder)).sort()).toHaveLength(5);
    const exported = JSON.parse(
      fs.readFileSync(
        path.join(exportDir, folder, fs.readdirSync(path.join(exportDir, folder)).find((f) => f.endsWith('.json'))!),
        'utf8',
      ),
    );
    expect(exported.selfChecks).toHaveLength(2);
    expect(fs.statSync(path.join(exportDir, folder)).mode & 0o777).toBe(0o700);

    // "nobody" is a well-formed bare user id (src/cli/coach-selector.ts) that names no coach: exit 1, not a usage error.
    expect(await runCli(['export', '--coach', 'nobody'], io, env)).toBe(1);
    expect(out.at(-1)).toMatch(/^no coach with id or user id "nobody"; nothing was exported/);
    expect(await runCli(['delete', '--coach', String(anaId)], io, env)).toBe(2);
    expect(out.at(-1)).toMatch(/Run again with --yes/);
    expect(await runCli(['delete', '--coach', String(anaId), '--yes'], io, env)).toBe(0);
    expect(out.at(-1)).toMatch(/Deleted: 2 self-checks/);
    expect(await runCli(['delete', '--coach', String(anaId), '--yes'], io, env)).toBe(1);

    expect(await runCli(['purge'], io, env)).toBe(0);
    expect(out.at(-1)).toMatch(/not set/);
    expect(await runCli(['purge'], io, { ...env, TRELLIS_RETENTION_DAYS: '1' })).toBe(0);
    expect(out.at(-1)).toMatch(/^purged \d+ notes and \d+ reflections/);

    out.length = 0;
    expect(await runCli(['audit', '--coach', String(anaId)], io, env)).toBe(0);
    expect(out.map((l) => JSON.parse(l).action)).toEqual(['export', 'delete']);
    expect(out.map((l) => JSON.parse(l).actor)).toEqual(['admin', 'admin']);
  });
});
