import fs from 'node:fs';
import path from 'node:path';

/** Folders Trellis creates for its data are its own: owner only, whatever the umask. */
export const PRIVATE_DIR_MODE = 0o700;
/** The database, its WAL and shared-memory files, and backups: owner read/write only. */
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates the folder of `file` (and any missing parents) owner-only. A folder that already exists is left as it is:
 * it may be shared on purpose (TRELLIS_DB=/srv/data/trellis.db), and its files are private anyway.
 */
export function ensurePrivateDir(file: string): void {
  let missing = path.dirname(path.resolve(file));
  const created: string[] = [];
  while (!fs.existsSync(missing)) {
    created.push(missing);
    missing = path.dirname(missing);
  }
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: PRIVATE_DIR_MODE });
  // mkdir's mode is filtered by the umask; chmod is not.
  for (const dir of created) fs.chmodSync(dir, PRIVATE_DIR_MODE);
}

/** Makes the database file and its -wal/-shm companions (where they exist) owner-only. */
export function restrictDatabaseFiles(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      fs.chmodSync(f, PRIVATE_FILE_MODE);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

/** Creates `file` empty and owner-only, failing if it exists, so what is written into it is never readable by others. */
export function createPrivateFile(file: string): void {
  ensurePrivateDir(file);
  fs.writeFileSync(file, '', { mode: PRIVATE_FILE_MODE, flag: 'wx' });
  fs.chmodSync(file, PRIVATE_FILE_MODE);
}
