import { type ChildProcess, spawn } from 'node:child_process';
import { collect, waitFor } from './child';

/**
 * The holder's code, plain JavaScript in its own process: opens the file, takes `BEGIN EXCLUSIVE`, says "locked",
 * and holds the lock until a line arrives on stdin; then commits, says "released" and exits.
 */
const HOLDER_SOURCE = `
const Database = require(process.argv[1]);
const db = new Database(process.argv[2]);
db.pragma('busy_timeout = 5000');
db.exec('BEGIN EXCLUSIVE');
process.stdout.write('locked\\n');
process.stdin.once('data', () => {
  db.exec('COMMIT');
  db.close();
  process.stdout.write('released\\n');
  process.exit(0);
});
`;

/** Another real process holding the database's write lock until `release()`. */
export interface LockHolder {
  child: ChildProcess;
  /** Commits and lets go; resolves once the holder says it has. */
  release(): Promise<void>;
  /** Whether the holder still holds the lock (it has not said "released"). */
  holding(): boolean;
}

export async function holdLock(file: string): Promise<LockHolder> {
  const child = spawn(process.execPath, ['-e', HOLDER_SOURCE, require.resolve('better-sqlite3'), file], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const out = collect(child.stdout as NodeJS.ReadableStream);
  const err = collect(child.stderr as NodeJS.ReadableStream);
  await waitFor(() => out.text().includes('locked') || child.exitCode !== null, 10_000, 'the lock holder');
  if (!out.text().includes('locked')) throw new Error(`lock holder failed: ${err.text()}`);
  return {
    child,
    holding: () => !out.text().includes('released'),
    async release() {
      if (!out.text().includes('released')) {
        child.stdin?.write('go\n');
        await waitFor(() => out.text().includes('released'), 10_000, 'the lock holder to release');
      }
    },
  };
}
