import { createHash } from 'node:crypto';
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { runCli } from '../../src/cli/index';
import { ConfigError } from '../../src/config';
import type { CoachRef } from '../../src/core/model';
import { ENCRYPTED_FIELDS } from '../../src/store/encryption';
import { containsText, newKey, openApp } from '../helpers/app';
import { tempDir } from '../helpers/temp-db';

const coach: CoachRef = { platform: 'console', tenant: 'local', user: 'ana' };
const fileHash = (file: string) =>
  createHash('sha256')
    .update(Buffer.concat([file, `${file}-wal`].filter(fs.existsSync).map((f) => fs.readFileSync(f))))
    .digest('hex');

/** Writes one note and one reflection, each carrying a marker, then closes the app (checkpointing the WAL). */
function writeMarkers(file: string, env: Record<string, string>, tag: string) {
  const app = openApp(file, env);
  app.trellis.handleText(coach, `/selfcheck 4 3 5 4 4 2 NOTE-${tag} my client Bea froze`);
  app.trellis.handleText(coach, 'prompt');
  app.trellis.handleText(coach, `REFLECTION-${tag} I waited and she went on`);
  app.db.pragma('wal_checkpoint(TRUNCATE)');
  app.close();
}

describe('encryption at rest', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.cleanup());

  it('without the key the database holds no readable note or reflection text', () => {
    const file = dir.file('t.db');
    const key = newKey();
    writeMarkers(file, { TRELLIS_ENCRYPTION_KEY: key }, 'a1');
    expect(containsText(file, 'NOTE-a1')).toBe(false);
    expect(containsText(file, 'REFLECTION-a1')).toBe(false);
    expect(containsText(file, 'Bea froze')).toBe(false);
    // A raw look with SQLite itself: only enc:v1 values.
    const raw = new Database(file, { readonly: true });
    const notes = raw.prepare('SELECT note FROM self_checks').pluck().all() as string[];
    const texts = raw.prepare('SELECT text FROM reflections').pluck().all() as string[];
    raw.close();
    expect(notes).toHaveLength(1);
    expect(texts).toHaveLength(1);
    for (const v of [...notes, ...texts]) expect(v).toMatch(/^enc:v1:/);
    // With the key, the coach reads it back.
    const app = openApp(file, { TRELLIS_ENCRYPTION_KEY: key });
    const found = app.repos.coaches.find(coach)!;
    expect(app.repos.selfChecks.recent(found.id, 5)[0].note).toBe('NOTE-a1 my client Bea froze');
    expect(app.repos.reflections.recent(found.id, 5)[0].text).toBe('REFLECTION-a1 I waited and she went on');
    app.close();
  });

  it('every column that can hold free text a coach wrote is registered for encryption', () => {
    const app = openApp(dir.file('schema.db'));
    const tables = app.db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .pluck()
      .all() as string[];
    const freeText = tables.flatMap((table) =>
      (app.db.pragma(`table_info("${table}")`) as { name: string }[])
        .filter((c) =>
          /^(note|text|body|reflection|comment|message|evidence|client_code|mentor_name)$|_(note|text)$/i.test(c.name),
        )
        .map((c) => `${table}.${c.name}`),
    );
    app.close();
    expect(freeText.sort()).toEqual(ENCRYPTED_FIELDS.map((f) => `${f.table}.${f.column}`).sort());
  });

  it('a text kept pending is sealed at rest, and journal search finds it once kept, with the key', () => {
    const file = dir.file('t.db');
    const key = newKey();
    const app = openApp(file, { TRELLIS_ENCRYPTION_KEY: key });
    app.trellis.handleText(coach, 'histroy PENDINGmark');
    app.db.pragma('wal_checkpoint(TRUNCATE)');
    expect(containsText(file, 'PENDINGmark')).toBe(false);
    app.trellis.handleText(coach, 'keep');
    const found = app.trellis.handleText(coach, 'journal search pendingmark');
    expect(JSON.stringify(found)).toContain('histroy PENDINGmark');
    app.db.pragma('wal_checkpoint(TRUNCATE)');
    app.close();
    expect(containsText(file, 'PENDINGmark')).toBe(false);
  });

  it('without encryption the same text is in the file (the test above can fail)', () => {
    const file = dir.file('plain.db');
    writeMarkers(file, {}, 'p1');
    expect(containsText(file, 'NOTE-p1')).toBe(true);
  });

  it('starting with the wrong key fails clearly and changes nothing', () => {
    const file = dir.file('t.db');
    writeMarkers(file, { TRELLIS_ENCRYPTION_KEY: newKey() }, 'w1');
    const before = fileHash(file);
    expect(() => openApp(file, { TRELLIS_ENCRYPTION_KEY: newKey() })).toThrow(ConfigError);
    expect(() => openApp(file, { TRELLIS_ENCRYPTION_KEY: newKey() })).toThrow(
      /not the key this database was encrypted with.*Nothing was changed/s,
    );
    expect(fileHash(file)).toBe(before);
  });

  it('starting without a key on an encrypted database fails clearly and changes nothing', () => {
    const file = dir.file('t.db');
    writeMarkers(file, { TRELLIS_ENCRYPTION_KEY: newKey() }, 'n1');
    const before = fileHash(file);
    expect(() => openApp(file, {})).toThrow(/holds encrypted notes.*TRELLIS_ENCRYPTION_KEY is not set/s);
    expect(fileHash(file)).toBe(before);
  });

  it('starting with a key on a plain-text database encrypts what is there, in place', () => {
    const file = dir.file('t.db');
    writeMarkers(file, {}, 'e1');
    expect(containsText(file, 'NOTE-e1')).toBe(true);
    const key = newKey();
    const app = openApp(file, { TRELLIS_ENCRYPTION_KEY: key });
    expect(app.encryption.encryptedNow).toBe(2);
    app.close();
    expect(containsText(file, 'NOTE-e1')).toBe(false);
    expect(containsText(file, 'REFLECTION-e1')).toBe(false);
    const again = openApp(file, { TRELLIS_ENCRYPTION_KEY: key });
    expect(again.encryption.encryptedNow).toBe(0);
    const c = again.repos.coaches.find(coach)!;
    expect(again.repos.selfChecks.recent(c.id, 1)[0].note).toBe('NOTE-e1 my client Bea froze');
    again.close();
  });

  it('rotate-key re-encrypts every value under the new key; then only the new key opens the database', async () => {
    const file = dir.file('t.db');
    const oldKey = newKey();
    const nextKey = newKey();
    writeMarkers(file, { TRELLIS_ENCRYPTION_KEY: oldKey }, 'r1');
    writeMarkers(file, { TRELLIS_ENCRYPTION_KEY: oldKey }, 'r2');
    const out: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(l) };
    const env = { TRELLIS_DB: file, TRELLIS_ENCRYPTION_KEY: oldKey, LOG_LEVEL: 'silent' as const };
    expect(await runCli(['rotate-key'], io, env)).toBe(2);
    expect(out.join('\n')).toMatch(/Give the new key/);
    expect(await runCli(['rotate-key'], io, { ...env, TRELLIS_NEW_ENCRYPTION_KEY: nextKey })).toBe(0);
    // Two notes and two reflections (the second day's text found the prompt answered: it is a journal entry).
    expect(out.join('\n')).toMatch(/re-encrypted 4 values/);
    expect(() => openApp(file, { TRELLIS_ENCRYPTION_KEY: oldKey })).toThrow(/not the key/);
    const app = openApp(file, { TRELLIS_ENCRYPTION_KEY: nextKey });
    const c = app.repos.coaches.find(coach)!;
    expect(app.repos.selfChecks.recent(c.id, 5).map((s) => s.note)).toEqual([
      'NOTE-r2 my client Bea froze',
      'NOTE-r1 my client Bea froze',
    ]);
    app.close();
    expect(containsText(file, 'NOTE-r1')).toBe(false);
    // --new-key works too, and rotating to the key in use is refused.
    expect(await runCli(['rotate-key', '--new-key', nextKey], io, { ...env, TRELLIS_ENCRYPTION_KEY: nextKey })).toBe(1);
    expect(out.at(-1)).toMatch(/already in use/);
  });

  it('rotate-key refuses while another process has the database open, changing nothing', async () => {
    const file = dir.file('t.db');
    const oldKey = newKey();
    writeMarkers(file, { TRELLIS_ENCRYPTION_KEY: oldKey }, 'o1');
    const running = openApp(file, { TRELLIS_ENCRYPTION_KEY: oldKey }); // a Trellis still running on the old key
    const before = running.db.prepare('SELECT note FROM self_checks').pluck().all();
    const out: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(l) };
    const env = { TRELLIS_DB: file, TRELLIS_ENCRYPTION_KEY: oldKey, LOG_LEVEL: 'silent' as const };
    expect(await runCli(['rotate-key', '--new-key', newKey()], io, env)).toBe(1);
    expect(out.join('\n')).toMatch(/Another process has the database open .* nothing was changed/);
    expect(running.db.prepare('SELECT note FROM self_checks').pluck().all()).toEqual(before);
    running.trellis.handleText(coach, '/selfcheck 3 3 3 3 3 3 still writing'); // the running one is unharmed
    running.close();
    expect(await runCli(['rotate-key', '--new-key', newKey()], io, env)).toBe(0);
  });

  it('a rotation that fails half way leaves every value under the old key', async () => {
    const file = dir.file('t.db');
    const oldKey = newKey();
    writeMarkers(file, { TRELLIS_ENCRYPTION_KEY: oldKey }, 'f1');
    // Damage the second value so the rotation meets it after re-encrypting the first.
    const raw = new Database(file);
    const text = raw.prepare('SELECT text FROM reflections').pluck().get() as string;
    raw.prepare('UPDATE reflections SET text = ?').run(`${text.slice(0, -6)}AAAAA=`);
    const notesBefore = raw.prepare('SELECT note FROM self_checks').pluck().all();
    raw.close();
    const out: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(l) };
    const code = await runCli(['rotate-key', '--new-key', newKey()], io, {
      TRELLIS_DB: file,
      TRELLIS_ENCRYPTION_KEY: oldKey,
      LOG_LEVEL: 'silent',
    });
    expect(code).toBe(1);
    expect(out.join('\n')).toMatch(/authentication check.*rolled back/s);
    const after = new Database(file, { readonly: true });
    expect(after.prepare('SELECT note FROM self_checks').pluck().all()).toEqual(notesBefore);
    after.close();
    expect(() => openApp(file, { TRELLIS_ENCRYPTION_KEY: oldKey }).close()).not.toThrow();
  });
});
