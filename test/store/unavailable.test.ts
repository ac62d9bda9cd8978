import Database from 'better-sqlite3';
import { loadCatalog } from '../../src/catalog';
import { toPlainText } from '../../src/core/message';
import type { CoachRef } from '../../src/core/model';
import { Trellis } from '../../src/core/trellis';
import { createLogger } from '../../src/log';
import { createRepositories, openDatabase } from '../../src/store';
import { STORAGE_BUSY_MESSAGE, STORAGE_READ_ONLY_MESSAGE, STORAGE_UNAVAILABLE_MESSAGE } from '../../src/store/errors';
import { FixedClock } from '../helpers/clock';
import { tempDbFile } from '../helpers/temp-db';

const ana: CoachRef = { platform: 'console', tenant: 'local', user: 'ana' };

function coreOn(db: Database.Database) {
  const clock = new FixedClock('2026-11-24T09:00:00Z');
  const logLines: string[] = [];
  const trellis = new Trellis({
    repos: createRepositories(db, () => clock.now()),
    catalog: loadCatalog(),
    clock,
    log: createLogger('debug', {}, (l) => logLines.push(l)),
    defaultTimeZone: 'UTC',
  });
  const say = (text: string) => {
    const reply = trellis.handleText(ana, text);
    return reply.type === 'messages' ? reply.messages.map(toPlainText).join('\n') : reply.type;
  };
  return { trellis, say, logLines };
}

describe('a database that is locked, read-only or full', () => {
  let t: ReturnType<typeof tempDbFile>;
  beforeEach(() => {
    t = tempDbFile();
    const db = openDatabase(t.file);
    const { say } = coreOn(db);
    say('/selfcheck 4 4 4 4 4 4 first');
    db.close();
  });
  afterEach(() => t.cleanup());

  it('read-only: a write is answered clearly, nothing is stored, reading still works', () => {
    const db = openDatabase(t.file, { readonly: true });
    const { say, logLines } = coreOn(db);
    expect(say('/selfcheck 1 2 3 4 5 1 second')).toBe(STORAGE_READ_ONLY_MESSAGE);
    expect(say('history')).toMatch(/Recent self-checks[\s\S]*Context 4/);
    expect(db.prepare('SELECT count(*) FROM self_checks').pluck().get()).toBe(1);
    expect(logLines.some((l) => /"could not store".*SQLITE_READONLY/.test(l))).toBe(true);
    db.close();
  });

  it('locked by another connection: answered clearly after the busy timeout, then served once the lock goes', () => {
    const db = openDatabase(t.file);
    db.pragma('busy_timeout = 50');
    const { say, logLines } = coreOn(db);
    const other = new Database(t.file);
    other.exec('BEGIN EXCLUSIVE');
    try {
      expect(say('/selfcheck 1 2 3 4 5 1 second')).toBe(STORAGE_BUSY_MESSAGE);
      expect(say('history')).toMatch(/Context 4/); // readers are not blocked in WAL mode
      expect(logLines.some((l) => /SQLITE_BUSY/.test(l))).toBe(true);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(say('/selfcheck 1 2 3 4 5 1 second')).toMatch(/your self-check is saved/);
    expect(db.prepare('SELECT count(*) FROM self_checks').pluck().get()).toBe(2);
    db.close();
  });

  it('full: answered clearly, nothing is stored half, and the next request after space is freed is served', () => {
    const db = openDatabase(t.file);
    const { say, trellis } = coreOn(db);
    const yesterday = trellis.issuePrompt(trellis.coach(ana), '2026-11-23').issue;
    say('prompt');
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages}`);
    const long = 'x'.repeat(3900);
    let answer = '';
    let stored = 0;
    for (let i = 0; i < 50 && answer !== STORAGE_UNAVAILABLE_MESSAGE; i++) {
      answer = say(`/selfcheck 3 3 3 3 3 3 ${long.slice(0, 1990)} ${i}`);
      if (answer !== STORAGE_UNAVAILABLE_MESSAGE) stored++;
    }
    expect(answer).toBe(STORAGE_UNAVAILABLE_MESSAGE);
    expect(db.prepare('SELECT count(*) FROM self_checks').pluck().get()).toBe(1 + stored);
    // Fill the reflections table's pages too (answering yesterday's prompt), until that is refused as well.
    let reflections = 0;
    for (; reflections < 50; reflections++) {
      try {
        trellis.saveReflection(ana, long, {}, yesterday.id);
      } catch (error) {
        expect((error as Error).message).toBe(STORAGE_UNAVAILABLE_MESSAGE);
        break;
      }
    }
    expect(reflections).toBeLessThan(50);
    // A reflection writes two rows in one transaction (the reflection, the prompt's status): all or nothing.
    expect(say(`${long} end`)).toBe(STORAGE_UNAVAILABLE_MESSAGE);
    expect(db.prepare('SELECT count(*) FROM reflections').pluck().get()).toBe(reflections);
    expect(db.prepare("SELECT status FROM prompt_issues WHERE local_date = '2026-11-24'").pluck().get()).toBe('open');
    db.pragma(`max_page_count = ${pages * 100}`);
    expect(say('a short reflection')).toMatch(/Saved to your journal/);
    db.close();
  });
});
