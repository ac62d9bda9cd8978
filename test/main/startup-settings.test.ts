import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { newKey, openApp } from '../helpers/app';
import { collect, exited, REPO, startTrellis, waitFor } from '../helpers/child';
import { holdLock } from '../helpers/lock-holder';
import { tempDir } from '../helpers/temp-db';

const TSX = path.join(REPO, 'node_modules', 'tsx', 'dist', 'cli.mjs');

/** npm start (src/main.ts) as a service manager starts it: standard input is /dev/null. */
function startWithoutTerminal(env: Record<string, string>, cwd: string) {
  const child = spawn(process.execPath, [TSX, path.join(REPO, 'src', 'main.ts')], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: cwd, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { child, out: collect(child.stdout), err: collect(child.stderr) };
}

/** Every unusable setting at start names itself and what to do; no stack trace; exit code 1. */
describe('npm start: unusable settings and no terminal', () => {
  const dir = tempDir();
  afterAll(() => dir.cleanup());

  it('with no platform settings and no terminal it says what to set and exits non-zero', async () => {
    const { child, out, err } = startWithoutTerminal({ TRELLIS_DB: dir.file('t.db') }, dir.dir);
    expect(await exited(child)).toBe(1);
    expect(err.text()).toMatch(/no Slack or Teams settings are set, and there is no terminal/);
    expect(err.text()).toMatch(/SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET/);
    expect(err.text()).toMatch(/MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD/);
    expect(out.text()).toBe('');
    expect(fs.existsSync(dir.file('t.db'))).toBe(false); // nothing was opened
  }, 30_000);

  it('in a terminal it opens the terminal chat on data/trellis.db', async () => {
    const cwd = fs.mkdtempSync(path.join(dir.dir, 'tty-'));
    // script(1) gives the child a real pseudo-terminal.
    const child = spawn(
      'script',
      ['-qec', `${process.execPath} ${TSX} ${path.join(REPO, 'src', 'main.ts')}`, '/dev/null'],
      {
        cwd,
        env: { PATH: process.env.PATH ?? '', HOME: cwd, TRELLIS_CONSOLE_USER: 'ana', TERM: 'dumb' },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    const out = collect(child.stdout);
    await waitFor(() => /Trellis, local chat/.test(out.text()), 30_000, 'the terminal chat');
    child.stdin.write('help\n');
    await waitFor(() => /Trellis commands/.test(out.text()), 30_000, 'help');
    child.stdin.write('quit\n');
    expect(await exited(child)).toBe(0);
    expect(fs.existsSync(path.join(cwd, 'data', 'trellis.db'))).toBe(true);
  }, 60_000);

  it.each([
    [
      'a folder that cannot be created',
      () => dir.file('a-file/sub/t.db'),
      /TRELLIS_DB=.*a-file\/sub\/t\.db: the database cannot be created there: a part of the path is a file, not a folder/,
    ],
    [
      'a file that is not a database',
      () => dir.file('notes.txt'),
      /TRELLIS_DB=.*notes\.txt is not a Trellis database, or it is damaged/,
    ],
  ])(
    'TRELLIS_DB on %s: named, with what to do',
    async (_, file, message) => {
      fs.writeFileSync(dir.file('a-file'), 'x');
      fs.writeFileSync(dir.file('notes.txt'), 'this is not a database, just some words to fill the header page');
      const child = startTrellis({ TRELLIS_DB: file() }, dir.dir);
      const err = collect(child.stderr as NodeJS.ReadableStream);
      child.stdin?.end('help\n');
      expect(await exited(child)).toBe(1);
      expect(err.text()).toMatch(message);
      expect(err.text()).toMatch(/Set TRELLIS_DB|Point TRELLIS_DB/);
      expect(err.text()).not.toMatch(/\n\s+at /);
    },
    30_000,
  );

  it('a PORT another program holds is named, with what to do', async () => {
    const other = http.createServer();
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const port = (other.address() as AddressInfo).port;
    try {
      const child = startTrellis({ TRELLIS_DB: dir.file('p.db'), BOT_EMULATOR: '1', PORT: String(port) }, dir.dir);
      const err = collect(child.stderr as NodeJS.ReadableStream);
      expect(await exited(child)).toBe(1);
      expect(err.text()).toContain(`PORT=${port}: another program is already listening on that port`);
      expect(err.text()).toMatch(/set PORT to a free port/);
      expect(err.text()).not.toMatch(/\n\s+at /);
    } finally {
      other.close();
    }
  }, 30_000);

  it('a HOST that is not an address of this machine is named, with what to do', async () => {
    const child = startTrellis(
      {
        TRELLIS_DB: dir.file('h.db'),
        MICROSOFT_APP_ID: '00000000-0000-0000-0000-000000000000',
        MICROSOFT_APP_PASSWORD: 'not-a-real-password',
        HOST: '10.255.255.1',
        PORT: '0',
      },
      dir.dir,
    );
    const err = collect(child.stderr as NodeJS.ReadableStream);
    expect(await exited(child)).toBe(1);
    expect(err.text()).toContain('HOST=10.255.255.1: not an address of this machine. Leave HOST unset');
    expect(err.text()).not.toContain('not-a-real-password');
    expect(err.text()).not.toMatch(/\n\s+at /);
  }, 30_000);

  it('a database another process keeps locked through start-up is named, with what to do', async () => {
    const file = dir.file('locked.db');
    openApp(file).close();
    const lock = await holdLock(file);
    try {
      // Encrypting at start needs the write lock; start-up waits its 5 s for it (nothing is served yet), then says why.
      const child = startTrellis({ TRELLIS_DB: file, TRELLIS_ENCRYPTION_KEY: newKey() }, dir.dir);
      const err = collect(child.stderr as NodeJS.ReadableStream);
      child.stdin?.end('help\n');
      expect(await exited(child)).toBe(1);
      expect(lock.holding()).toBe(true);
      expect(err.text()).toMatch(/TRELLIS_DB=.*locked\.db: another process holds the database's lock \(SQLITE_BUSY\)/);
      expect(err.text()).not.toMatch(/\n\s+at /);
    } finally {
      await lock.release();
    }
  }, 30_000);

  it('a TRELLIS_PROMPTS_DIR that does not exist is named, with what to do', async () => {
    const child = startTrellis({ TRELLIS_DB: dir.file('q.db'), TRELLIS_PROMPTS_DIR: dir.file('none') }, dir.dir);
    const err = collect(child.stderr as NodeJS.ReadableStream);
    child.stdin?.end('help\n');
    expect(await exited(child)).toBe(1);
    expect(err.text()).toMatch(
      /TRELLIS_PROMPTS_DIR=.*none: The prompts folder .* does not exist\. Fix it, or set TRELLIS_PROMPTS_DIR/,
    );
  }, 30_000);
});
