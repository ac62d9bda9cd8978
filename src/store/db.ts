import Database from 'better-sqlite3';
import { ensurePrivateDir, restrictDatabaseFiles } from './file-modes';
import { MIGRATIONS, type Migration } from './migrations';

export type Db = Database.Database;

export interface OpenOptions {
  /** Run migrations up to this version only (tests of upgrades from older schemas). */
  migrateTo?: number;
  readonly?: boolean;
}

/** Opens the SQLite file with WAL, foreign keys and a busy timeout, and brings its schema up to date. */
export function openDatabase(file: string, options: OpenOptions = {}): Db {
  const onDisk = file !== ':memory:' && file !== '';
  if (onDisk && !options.readonly) ensurePrivateDir(file);
  const db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  // Deleted and purged text is overwritten with zeros, not left in free pages.
  db.pragma('secure_delete = ON');
  if (!options.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // Every coach's ratings are in here: owner-only whatever the umask (SQLite gives -wal and -shm the same mode).
    if (onDisk) restrictDatabaseFiles(file);
    migrate(db, MIGRATIONS, options.migrateTo);
  }
  return db;
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
  const latest = Math.max(0, ...migrations.map((m) => m.version));
  const current = schemaVersion(db);
  if (current > latest) {
    throw new Error(
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
