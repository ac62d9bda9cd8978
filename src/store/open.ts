import fs from 'node:fs';
import Database from 'better-sqlite3';
import { configure, type Db, latestSchemaVersion, openDatabase, SchemaTooNewError, schemaVersion } from './db';

/** Why the database could be opened for reading only, in words for the admin. */
export interface ReadOnlyStore {
  /** What is wrong, e.g. "the disk is full (SQLITE_FULL)". */
  problem: string;
  /** A snapshot in memory of the file (the folder allows no -shm file): changes still in its -wal are not shown. */
  snapshot: boolean;
  /** The -wal file holds changes not yet in the snapshot. */
  walNotShown: boolean;
}

export interface OpenedStore {
  db: Db;
  /** Set when the database can be read but not written: reads are served, writes refused "read-only". */
  readOnly?: ReadOnlyStore;
}

/** The database file cannot be used at all; the message names the setting and what to do. */
export class StoreOpenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreOpenError';
  }
}

/** Error codes (SQLite's and the file system's) that mean "this place cannot be written", not "a bug". */
const UNWRITABLE: readonly { prefix: string; what: string }[] = [
  { prefix: 'SQLITE_READONLY', what: 'the file or its folder is read-only' },
  { prefix: 'SQLITE_FULL', what: 'the disk is full' },
  { prefix: 'SQLITE_IOERR', what: 'the disk could not be written (full or failing)' },
  { prefix: 'SQLITE_CANTOPEN', what: 'the file or its folder cannot be opened for writing' },
  { prefix: 'SQLITE_PERM', what: 'permission denied' },
  { prefix: 'EROFS', what: 'the file system is read-only' },
  { prefix: 'ENOSPC', what: 'the disk is full' },
  { prefix: 'EDQUOT', what: 'the disk quota is used up' },
  { prefix: 'EACCES', what: 'permission denied' },
  { prefix: 'EPERM', what: 'permission denied' },
  { prefix: 'ENOTDIR', what: 'a part of the path is a file, not a folder' },
  { prefix: 'EEXIST', what: 'a part of the path is a file, not a folder' },
  { prefix: 'EISDIR', what: 'the path is a folder, not a file' },
  { prefix: 'ENAMETOOLONG', what: 'the path is too long' },
  { prefix: 'ELOOP', what: 'the path loops through symbolic links' },
  { prefix: 'EIO', what: 'the disk could not be written' },
];

const codeOf = (error: unknown): string => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
};

function unwritable(error: unknown): string | undefined {
  const code = codeOf(error);
  const match = UNWRITABLE.find((u) => code.startsWith(u.prefix));
  return match ? `${match.what} (${code})` : undefined;
}

/**
 * Opens `file` (the value of `setting`) for serving. Writable: as openDatabase does. On a read-only or full disk, an
 * existing, up-to-date database is opened for reading instead, and `readOnly` says why. Anything that cannot be
 * used at all is a StoreOpenError naming the setting and what to do; no stack trace reaches the admin.
 */
export function openStore(file: string, setting = 'TRELLIS_DB'): OpenedStore {
  try {
    return { db: openDatabase(file) };
  } catch (error) {
    if (error instanceof SchemaTooNewError) throw new StoreOpenError(`${setting}=${file}: ${error.message}`);
    const code = codeOf(error);
    if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
      throw new StoreOpenError(
        `${setting}=${file} is not a Trellis database, or it is damaged (${code}). Point ${setting} at the right file, or restore a backup (npm run cli -- backup makes them).`,
      );
    }
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) throw lockedAtStart(file, setting);
    const problem = unwritable(error);
    if (!problem) throw error;
    if (!isNonEmptyFile(file)) {
      throw new StoreOpenError(
        `${setting}=${file}: the database cannot be created there: ${problem}. Set ${setting} to a file in a folder Trellis may write (its folder is created if missing), or make that folder writable and free some space.`,
      );
    }
    return openForReading(file, setting, problem);
  }
}

/** Another process held the lock through start-up's whole wait (5 s). */
export function lockedAtStart(file: string, setting = 'TRELLIS_DB'): StoreOpenError {
  return new StoreOpenError(
    `${setting}=${file}: another process holds the database's lock (SQLITE_BUSY) and did not let go within 5 seconds. Finish or stop it (a sqlite3 shell, a copy, another Trellis on the same file), then start Trellis again.`,
  );
}

function isNonEmptyFile(file: string): boolean {
  try {
    const stat = fs.statSync(file);
    return stat.isFile() && stat.size > 0;
  } catch {
    return false;
  }
}

/**
 * The database for reading only: a read-only connection when SQLite can make one (its -shm file exists or can be
 * made), else a snapshot of the file in memory (a folder on a read-only or full disk allows no -shm file).
 */
function openForReading(file: string, setting: string, problem: string): Required<OpenedStore> {
  let db: Db | undefined;
  let snapshot = false;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    configure(db, 5000);
    schemaVersion(db);
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch {
    if (db?.open) db.close();
    db = undefined;
  }
  if (!db) {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch (error) {
      throw new StoreOpenError(
        `${setting}=${file}: the database cannot be written (${problem}) nor read (${codeOf(error) || 'unreadable'}). Give Trellis read and write access to the file and its folder, or set ${setting} to another file.`,
      );
    }
    // A WAL-mode header (file format 2) makes SQLite look for -wal and -shm files; the copy in memory has none.
    if (bytes.length > 19 && bytes[18] === 2 && bytes[19] === 2) {
      bytes[18] = 1;
      bytes[19] = 1;
    }
    try {
      db = new Database(bytes, { readonly: true });
      configure(db, 5000);
      schemaVersion(db);
    } catch (error) {
      throw new StoreOpenError(
        `${setting}=${file}: the database cannot be written (${problem}), and reading it failed too (${codeOf(error) || 'not a database'}). Free space or make it writable, then start Trellis again.`,
      );
    }
    snapshot = true;
  }
  const version = schemaVersion(db);
  if (version < latestSchemaVersion()) {
    db.close();
    throw new StoreOpenError(
      `${setting}=${file}: the database cannot be written (${problem}), and it needs its schema brought up to date first (version ${version} of ${latestSchemaVersion()}). Free space or make it writable, then start Trellis again.`,
    );
  }
  const walNotShown = snapshot && isNonEmptyFile(`${file}-wal`);
  return { db, readOnly: { problem, snapshot, walNotShown } };
}
