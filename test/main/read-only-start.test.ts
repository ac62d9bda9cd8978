import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { STORAGE_READ_ONLY_MESSAGE } from '../../src/store/errors';
import { openApp } from '../helpers/app';
import { collect, exited, REPO, waitFor } from '../helpers/child';
import { tempDir } from '../helpers/temp-db';

const TSX = path.join(REPO, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;

function tryMount(args: string[]): boolean {
  try {
    execFileSync('mount', args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Whether this machine lets the tests mount a tmpfs (mounted and unmounted again at once). */
function canMountTmpfs(folder: string): boolean {
  fs.mkdirSync(folder, { recursive: true });
  if (!tryMount(['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', folder])) return false;
  execFileSync('umount', [folder]);
  return true;
}

/** npm start (src/main.ts), or with `args` npm run cli (src/cli.ts), as a child, optionally as another user. */
function startMain(env: Record<string, string>, cwd: string, uid?: number, args?: string[]) {
  const entry = args ? [path.join(REPO, 'src', 'cli.ts'), ...args] : [path.join(REPO, 'src', 'main.ts')];
  const child = spawn(process.execPath, [TSX, ...entry], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: cwd, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(uid === undefined ? {} : { uid, gid: NOBODY }),
  });
  return { child, out: collect(child.stdout), err: collect(child.stderr) };
}

/** A database with one check-in of ana's in `folder`. */
function seed(folder: string): string {
  const file = path.join(folder, 'trellis.db');
  const app = openApp(file);
  app.trellis.handleText({ platform: 'console', tenant: 'local', user: 'ana' }, '/selfcheck 4 4 4 4 4 4 kept');
  app.close();
  return file;
}

/** Check-ins in the file, read from a copy in memory (the folder may allow no -shm file). */
const count = (file: string) => {
  const bytes = fs.readFileSync(file);
  bytes[18] = 1; // the copy has no WAL: read it as a rollback-journal database
  bytes[19] = 1;
  const db = new Database(bytes, { readonly: true });
  try {
    return db.prepare('SELECT count(*) FROM self_checks').pluck().get() as number;
  } finally {
    db.close();
  }
};

/** Start-up on a disk Trellis cannot write: it opens for reading, says what is wrong and what works, and serves reads. */
describe('start-up on a read-only or full disk', () => {
  const dir = tempDir();
  afterAll(() => dir.cleanup());

  /**
   * A folder Trellis can read but not write. As root chmod stops nothing, so: a tmpfs remounted read-only where the
   * machine allows mounts, else chmod with Trellis run as uid 65534.
   */
  function readOnlyFolder(): { folder: string; file: string; uid?: number; method: string; undo(): void } {
    const folder = fs.mkdtempSync(path.join(dir.dir, 'ro-'));
    if (isRoot && tryMount(['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', folder])) {
      const file = seed(folder);
      if (!tryMount(['-o', 'remount,ro', folder])) throw new Error('could not remount the tmpfs read-only');
      return {
        folder,
        file,
        method: 'a tmpfs remounted read-only',
        undo: () => {
          tryMount(['-o', 'remount,rw', folder]);
          execFileSync('umount', [folder]);
        },
      };
    }
    const file = seed(folder);
    fs.chmodSync(file, 0o444);
    fs.chmodSync(folder, 0o555);
    // As uid 65534 Trellis must still reach its working folder (made owner-only by mkdtemp).
    if (isRoot) fs.chmodSync(dir.dir, 0o755);
    return {
      folder,
      file,
      uid: isRoot ? NOBODY : undefined,
      method: isRoot ? 'chmod, Trellis run as uid 65534' : 'chmod',
      undo: () => fs.chmodSync(folder, 0o700),
    };
  }

  it('read-only: the terminal chat shows history, refuses a check-in as read-only, and says what to do', async () => {
    const place = readOnlyFolder();
    console.log(`read-only by ${place.method}`);
    try {
      // The proof that the folder really is read-only for Trellis: a file cannot be created there.
      const probe = spawn(
        process.execPath,
        ['-e', `require('fs').writeFileSync(${JSON.stringify(path.join(place.folder, 'probe'))}, 'x')`],
        place.uid === undefined ? {} : { uid: place.uid, gid: NOBODY },
      );
      expect(await exited(probe)).not.toBe(0);

      const { child, out, err } = startMain(
        { TRELLIS_DB: place.file, TRELLIS_CONSOLE_USER: 'ana' },
        dir.dir,
        place.uid,
      );
      child.stdin.end('history\n/selfcheck 1 1 1 1 1 1 lost\n');
      expect(await exited(child)).toBe(0);
      expect(out.text()).toMatch(/Recent self-checks[\s\S]*Context 4/);
      expect(out.text()).toContain(STORAGE_READ_ONLY_MESSAGE);
      expect(out.text()).not.toMatch(/saved/);
      expect(err.text()).toMatch(/READ-ONLY: TRELLIS_DB=.*trellis\.db cannot be written/);
      expect(err.text()).toMatch(/What still works: reading/);
      expect(err.text()).toMatch(/To fix: /);
      expect(err.text()).not.toMatch(/\n\s+at /); // no stack trace
      expect(count(place.file)).toBe(1);

      // The admin CLI reads it too, says it is read-only, and refuses a change with the same words.
      const listed = startMain({ TRELLIS_DB: place.file }, dir.dir, place.uid, ['coaches', '--json']);
      expect(await exited(listed.child)).toBe(0);
      expect(JSON.parse(listed.out.text())).toEqual([expect.objectContaining({ user: 'ana' })]);
      expect(listed.err.text()).toMatch(/TRELLIS_DB=.* is open for reading only/);
      const seeding = startMain({ TRELLIS_DB: place.file }, dir.dir, place.uid, [
        'seed-demo',
        '--coaches',
        '1',
        '--weeks',
        '1',
      ]);
      expect(await exited(seeding.child)).toBe(1);
      expect(seeding.err.text()).toContain(STORAGE_READ_ONLY_MESSAGE);
      expect(seeding.err.text()).not.toMatch(/\n\s+at /);
    } finally {
      place.undo();
    }
  }, 60_000);

  it('read-only: the server starts, answers /healthz and schedules nothing', async () => {
    const place = readOnlyFolder();
    try {
      const { child, err } = startMain(
        { TRELLIS_DB: place.file, BOT_EMULATOR: '1', PORT: '0', LOG_LEVEL: 'info' },
        dir.dir,
        place.uid,
      );
      try {
        await waitFor(() => /"msg":"listening"/.test(err.text()) || child.exitCode !== null, 30_000, 'listening');
        const port = Number(/"msg":"listening","port":(\d+)/.exec(err.text())?.[1]);
        const health = await fetch(`http://127.0.0.1:${port}/healthz`);
        expect(health.status).toBe(200);
        expect(err.text()).toMatch(/Scheduled prompts, summaries and digests are paused/);
        expect(err.text()).toMatch(/"msg":"started read-only"/);
      } finally {
        child.kill('SIGTERM');
        await exited(child);
      }
      expect(err.text()).not.toMatch(/\n\s+at /);
    } finally {
      place.undo();
    }
  }, 60_000);

  // A full disk needs a small file system of its own: a tmpfs, where this machine lets the tests mount one.
  const fullDisk = isRoot && canMountTmpfs(dir.file('probe-mount'));
  if (!fullDisk) {
    console.log(
      isRoot
        ? 'full-disk start-up not tested here: this machine does not allow mounting a tmpfs'
        : 'full-disk start-up not tested here: mounting a tmpfs needs root',
    );
  }
  (fullDisk ? it : it.skip)(
    'full: opens for reading, shows history, refuses writes as read-only',
    async () => {
      const folder = fs.mkdtempSync(path.join(dir.dir, 'full-'));
      // Room for seeding's migrations in the WAL and their checkpoint on close (1 MB stopped being enough at
      // migration 27, leaving the WAL behind), then the filler takes the rest.
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', folder]);
      try {
        const file = seed(folder);
        // Seeding checkpointed and removed its WAL: what follows starts from a closed database on a full disk.
        expect(fs.existsSync(`${file}-wal`)).toBe(false);
        // Fill the file system to the last byte.
        const fd = fs.openSync(path.join(folder, 'filler'), 'w');
        const block = Buffer.alloc(4096);
        try {
          for (;;) fs.writeSync(fd, block);
        } catch (error) {
          expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
        } finally {
          fs.closeSync(fd);
        }
        const { child, out, err } = startMain({ TRELLIS_DB: file, TRELLIS_CONSOLE_USER: 'ana' }, dir.dir);
        child.stdin.end('history\n/selfcheck 1 1 1 1 1 1 lost\n');
        expect(await exited(child)).toBe(0);
        expect(out.text()).toMatch(/Recent self-checks[\s\S]*Context 4/);
        expect(out.text()).toContain(STORAGE_READ_ONLY_MESSAGE);
        expect(err.text()).toMatch(/READ-ONLY: TRELLIS_DB=.*cannot be written: the disk/);
        expect(err.text()).not.toMatch(/\n\s+at /);
        expect(count(file)).toBe(1);
      } finally {
        execFileSync('umount', [folder]);
      }
    },
    60_000,
  );
});
