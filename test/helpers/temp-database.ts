import { afterEach, beforeEach } from '@jest/globals';
import { type Db, openDatabase } from '../../src/store';
import { useServingBusyTimeout } from '../../src/store/db';
import { tempDir } from './temp-db';

/** The database of one test, opened fresh before it and closed (its folder removed) after it. */
export interface TempDatabase {
  /** The open database (only inside a test or a hook). */
  readonly db: Db;
  /** Its file, for a second connection or a child process. */
  readonly dbFile: string;
  /** Another path in the test's folder. */
  file(name: string): string;
}

/**
 * Registers a beforeEach that makes a temp folder and opens `trellis.db` in it (with the serving process's short busy
 * timeout when `serving`), and an afterEach that closes it (unless the test did) and removes the folder. Call it at the
 * top of a describe, before hooks that use `db`: beforeEach hooks run in the order they are declared.
 */
export function useTempDatabase(options: { serving?: boolean } = {}): TempDatabase {
  let dir: ReturnType<typeof tempDir> | undefined;
  let db: Db | undefined;
  beforeEach(() => {
    dir = tempDir();
    db = openDatabase(dir.file('trellis.db'));
    if (options.serving) useServingBusyTimeout(db);
  });
  afterEach(() => {
    if (db?.open) db.close();
    dir?.cleanup();
    db = undefined;
    dir = undefined;
  });
  const folder = () => {
    if (!dir) throw new Error('useTempDatabase: only inside a test or a hook');
    return dir;
  };
  return {
    get db() {
      if (!db) throw new Error('useTempDatabase: only inside a test or a hook');
      return db;
    },
    get dbFile() {
      return folder().file('trellis.db');
    },
    file: (name) => folder().file(name),
  };
}
