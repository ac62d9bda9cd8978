import Database from 'better-sqlite3';
import { ensurePrivateDir, restrictDatabaseFiles } from './file-modes';
import { MIGRATIONS, type Migration } from './migrations';

export type Db = Database.Database;

export interface OpenOptions {
  /** Run migrations up to this version only (tests of upgrades from older schemas). */
  migrateTo?: number;
  readonly?: boolean;
  /** How long a statement waits for another connection's lock, blocking the thread (default 5 s, for start-up and the CLI). */
  busyTimeoutMs?: number;
}

/**
 * The busy timeout of a serving process once it has started: a few milliseconds, so a lock another process holds
 * never blocks the event loop; the group commit retries asynchronously instead (src/store/group-commit.ts).
 */
export const SERVING_BUSY_TIMEOUT_MS = 5;

/** Switches `db` to the serving busy timeout (start-up may wait longer, nothing is served yet). */
export function useServingBusyTimeout(db: Db): void {
  db.pragma(`busy_timeout = ${SERVING_BUSY_TIMEOUT_MS}`);
}

/** Opens the SQLite file with WAL, foreign keys and a busy timeout, and brings its schema up to date. */
export function openDatabase(file: string, options: OpenOptions = {}): Db {
  const onDisk = file !== ':memory:' && file !== '';
  if (onDisk && !options.readonly) ensurePrivateDir(file);
  const db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  try {
    configure(db, options.busyTimeoutMs ?? 5000);
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      // Every coach's ratings are in here: owner-only whatever the umask (SQLite gives -wal and -shm the same mode).
      if (onDisk) restrictDatabaseFiles(file);
      migrate(db, MIGRATIONS, options.migrateTo);
    }
  } catch (error) {
    // Half-opened (a full or read-only disk, a newer schema): the handle is closed, never leaked.
    db.close();
    throw error;
  }
  return db;
}

/** The settings every connection of Trellis has, read-only ones included. */
export function configure(db: Db, busyTimeoutMs: number): void {
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  db.pragma('foreign_keys = ON');
  // Deleted and purged text is overwritten with zeros, not left in free pages.
  db.pragma('secure_delete = ON');
}

/** The file was written by a newer Trellis: nothing in it is touched. */
export class SchemaTooNewError extends Error {}

/** The newest schema version this Trellis knows. */
export function latestSchemaVersion(migrations: readonly Migration[] = MIGRATIONS): number {
  return Math.max(0, ...migrations.map((m) => m.version));
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Applies each migration newer than the database's user_version, each in its own transaction. */
export function migrate(
  db: Db,
  migrations: readonly Migration[] = MIGRATIONS,
  to = Number.POSITIVE_INFINITY,
): number[] {
  const applied: number[] = [];
  const latest = latestSchemaVersion(migrations);
  const current = schemaVersion(db);
  if (current > latest) {
    throw new SchemaTooNewError(
      `The database is at schema version ${current}, newer than this Trellis (${latest}). Upgrade Trellis or restore an older backup.`,
    );
  }
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (m.version <= schemaVersion(db) || m.version > to) continue;
    const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
    if (m.foreignKeysOff) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        if (m.sql) db.exec(m.sql);
        m.run?.(db);
        if (m.foreignKeysOff) assertForeignKeysHold(db, m);
        db.pragma(`user_version = ${m.version}`);
      }).immediate();
    } finally {
      if (m.foreignKeysOff) db.pragma(`foreign_keys = ${foreignKeys}`);
    }
    applied.push(m.version);
  }
  return applied;
}

/** After a migration ran with foreign keys off: every reference must still resolve, or the migration rolls back. */
function assertForeignKeysHold(db: Db, m: Migration): void {
  const broken = db.pragma('foreign_key_check') as { table: string }[];
  if (broken.length > 0) {
    const tables = [...new Set(broken.map((b) => b.table))].join(', ');
    throw new Error(`Migration ${m.version} left ${broken.length} broken references (in ${tables}); rolled back.`);
  }
}
