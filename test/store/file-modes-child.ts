import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../../src/cli/index';
import { openDatabase } from '../../src/store';

/**
 * Under umask 000 (set here, before anything is created): opens a database in a folder that does not exist yet,
 * writes to it, takes a `cli backup`, and prints one JSON line with the mode of every file and folder made, read
 * while the connection (and so its -wal and -shm) is still open. argv[2]: the root to work under.
 */
async function main(): Promise<void> {
  process.umask(0);
  const root = process.argv[2];
  const dbFile = path.join(root, 'data', 'trellis.db');
  const db = openDatabase(dbFile);
  db.exec("CREATE TABLE IF NOT EXISTS probe (x); INSERT INTO probe VALUES ('x')");
  const backup = path.join(root, 'backups', 'b.db');
  const code = await runCli(
    ['backup', backup],
    { out: () => undefined, err: (l) => process.stderr.write(`${l}\n`) },
    {
      TRELLIS_DB: dbFile,
    },
  );
  const mode = (f: string) => (fs.statSync(f).mode & 0o777).toString(8);
  const files = [path.join(root, 'data'), dbFile, `${dbFile}-wal`, `${dbFile}-shm`, path.join(root, 'backups'), backup];
  process.stdout.write(`${JSON.stringify({ code, modes: files.map((f) => [path.relative(root, f), mode(f)]) })}\n`);
  db.close();
}

void main();
