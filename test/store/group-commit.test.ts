import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import Database from 'better-sqlite3';
import type { NewSelfCheck } from '../../src/core/ports';
import { createRepositories, type Db, GroupCommit, openDatabase } from '../../src/store';
import { StorageUnavailableError } from '../../src/store/errors';
import { collect, exited, REPO } from '../helpers/child';
import { testSettings } from '../helpers/settings';
import { tempDir } from '../helpers/temp-db';

/** Group commit on real SQLite files, observed from a second, independent connection. */
describe('GroupCommit', () => {
  let dir: ReturnType<typeof tempDir>;
  let db: Db;
  let observer: Database.Database;
  let coachId: number;
  let batcher: GroupCommit;

  const check = (key: string): NewSelfCheck => ({
    coachId,
    checkedAt: '2026-11-24T09:00:00.000Z',
    localDate: '2026-11-24',
    ratings: { context: 4, respect: 3 },
    note: null,
    requestKey: key,
  });
  /** What another connection (another process, after a crash) can read: committed rows only. */
  const stored = (key: string) =>
    (observer.prepare('SELECT count(*) FROM self_checks WHERE request_key = ?').pluck().get(key) as number) === 1;

  beforeEach(() => {
    dir = tempDir();
    db = openDatabase(dir.file('trellis.db'));
    const repos = createRepositories(db);
    coachId = repos.coaches.upsert({ platform: 'slack', tenant: 'T1', user: 'U1' }, settings).id;
    observer = new Database(dir.file('trellis.db'), { readonly: true });
    batcher = new GroupCommit(db);
  });
  afterEach(() => {
    observer.close();
    if (db.open) db.close();
    dir.cleanup();
  });

  const settings = testSettings({ promptDays: [1] });

  test('work submitted together shares one transaction, and each promise settles only after its COMMIT', async () => {
    const repos = createRepositories(db);
    const seenAtResolution: boolean[] = [];
    const keys = ['k1', 'k2', 'k3', 'k4', 'k5'];
    const all = keys.map((key) =>
      batcher
        .run(() => {
          const result = repos.selfChecks.add(check(key));
          // Inside the batch the write is not yet visible to anyone else.
          expect(stored(key)).toBe(false);
          return result.created;
        })
        .then((created) => {
          seenAtResolution.push(stored(key));
          return created;
        }),
    );
    expect(keys.some(stored)).toBe(false);
    expect(await Promise.all(all)).toEqual([true, true, true, true, true]);
    expect(seenAtResolution).toEqual([true, true, true, true, true]);
    expect(batcher.stats).toEqual({ batches: 1, committed: 5, answeredWhileLocked: 0, lockWaits: 0 });
  });

  test('a failing work is rolled back alone; the rest of its batch is committed', async () => {
    const repos = createRepositories(db);
    const good1 = batcher.run(() => repos.selfChecks.add(check('good1')).created);
    const bad = batcher.run(() => {
      repos.selfChecks.add(check('bad'));
      throw new Error('validation failed after the insert');
    });
    const good2 = batcher.run(() => repos.selfChecks.add(check('good2')).created);
    await expect(bad).rejects.toThrow('validation failed after the insert');
    await expect(good1).resolves.toBe(true);
    await expect(good2).resolves.toBe(true);
    expect([stored('good1'), stored('bad'), stored('good2')]).toEqual([true, false, true]);
    expect(batcher.stats).toEqual({ batches: 1, committed: 2, answeredWhileLocked: 0, lockWaits: 0 });
  });

  test('a COMMIT that fails rejects every work of the batch, and none of it is stored', async () => {
    // A deferred foreign key is checked at COMMIT: one bad row fails the whole transaction there.
    db.exec(`CREATE TABLE parent (id INTEGER PRIMARY KEY);
             CREATE TABLE child (parent_id INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)`);
    const repos = createRepositories(db);
    const a = batcher.run(() => repos.selfChecks.add(check('a')).created);
    const b = batcher.run(() => db.prepare('INSERT INTO child VALUES (999)').run().changes);
    // Matched by message: SQLite's error class may come from another realm when jest reuses the native module.
    await expect(a).rejects.toMatchObject({ message: expect.stringMatching(/FOREIGN KEY/) });
    await expect(b).rejects.toMatchObject({ message: expect.stringMatching(/FOREIGN KEY/) });
    expect(stored('a')).toBe(false);
    expect(db.inTransaction).toBe(false);
    // The batcher keeps working afterwards.
    await expect(batcher.run(() => repos.selfChecks.add(check('after')).created)).resolves.toBe(true);
    expect(stored('after')).toBe(true);
  });

  test('a database locked by another connection for longer than a write may wait: told busy, nothing stored', async () => {
    db.pragma('busy_timeout = 20');
    const locker = new Database(dir.file('trellis.db'));
    locker.exec('BEGIN IMMEDIATE');
    const repos = createRepositories(db);
    const waiting = new GroupCommit(db, { lockWaitMs: 50 });
    try {
      const result = waiting.run(() => repos.selfChecks.add(check('locked')));
      await expect(result).rejects.toBeInstanceOf(StorageUnavailableError);
      await expect(result).rejects.toMatchObject({ sqliteCode: expect.stringMatching(/^SQLITE_BUSY/) });
      expect(stored('locked')).toBe(false);
      expect(waiting.pending).toBe(0);
    } finally {
      locker.exec('ROLLBACK');
      locker.close();
    }
    await expect(waiting.run(() => repos.selfChecks.add(check('unlocked')).created)).resolves.toBe(true);
  });

  test('a burst larger than one batch is committed in several transactions, all of it', async () => {
    const repos = createRepositories(db);
    const keys = Array.from({ length: 600 }, (_, i) => `burst${i}`);
    const results = await Promise.all(keys.map((k) => batcher.run(() => repos.selfChecks.add(check(k)).created)));
    expect(results.every(Boolean)).toBe(true);
    expect(observer.prepare("SELECT count(*) FROM self_checks WHERE request_key LIKE 'burst%'").pluck().get()).toBe(
      600,
    );
    expect(batcher.stats.batches).toBe(3);
  });
});

/**
 * A process killed after a batch's work ran but before its COMMIT: nothing of that batch is in the file, and no
 * acknowledgement was sent for it. The same script without the kill acknowledges and stores, so the test can fail.
 */
describe('GroupCommit and a crash', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.cleanup());

  const script = (crash: boolean) => `
    import { createRepositories, GroupCommit, openDatabase } from ${JSON.stringify(path.join(REPO, 'src', 'store'))};
    const db = openDatabase(process.argv[2]);
    const repos = createRepositories(db);
    const coach = repos.coaches.upsert({ platform: 'slack', tenant: 'T1', user: 'U1' },
      { promptTime: '09:00', promptDays: [1], timeZone: 'UTC', level: null, workingToward: null, practices: [], pausedUntil: null });
    const batcher = new GroupCommit(db);
    const add = (key) => repos.selfChecks.add({ coachId: coach.id, checkedAt: '2026-11-24T09:00:00.000Z',
      localDate: '2026-11-24', ratings: { context: 4 }, note: null, requestKey: key });
    batcher.run(() => add('first')).then(() => process.stdout.write('ACK first\\n'));
    batcher.run(() => {
      add('second');
      ${crash ? "process.kill(process.pid, 'SIGKILL');" : ''}
    }).then(() => process.stdout.write('ACK second\\n'));
  `;

  async function runScript(crash: boolean) {
    const file = dir.file(`crash-${crash}.ts`);
    fs.writeFileSync(file, script(crash));
    const dbFile = dir.file(`crash-${crash}.db`);
    const child = spawn(process.execPath, ['--import', 'tsx', file, dbFile], {
      cwd: REPO,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir.dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = collect(child.stdout);
    const err = collect(child.stderr);
    let signal: NodeJS.Signals | null = null;
    child.once('exit', (_code, s) => {
      signal = s;
    });
    const code = await exited(child);
    const db = new Database(dbFile, { readonly: true });
    const keys = db.prepare('SELECT request_key FROM self_checks ORDER BY id').pluck().all();
    db.close();
    return { code, signal, out: out.text(), err: err.text(), keys };
  }

  test('killed before the COMMIT: no acknowledgement, nothing of the batch stored', async () => {
    const crashed = await runScript(true);
    expect(crashed.signal).toBe('SIGKILL');
    expect(crashed.out).toBe('');
    expect(crashed.keys).toEqual([]);
  }, 30_000);

  test('not killed: both acknowledged, both stored', async () => {
    const normal = await runScript(false);
    expect(normal.err).toBe('');
    expect(normal.out).toBe('ACK first\nACK second\n');
    expect(normal.keys).toEqual(['first', 'second']);
  }, 30_000);
});
