import { spawn } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ROOT } from '../../helpers/run';
import { tempDbFile } from '../../helpers/temp-db';

/**
 * `npm start | head`: the reader closes the pipe while the coach's lines are still coming. The chat used to die on
 * the next write with an EPIPE stack trace, and every line after it was lost. Now it stops printing, handles the
 * rest of the input and exits 0.
 */
test('a closed output stops the printing, not the chat: later lines are still stored, no stack trace', async () => {
  const db = tempDbFile();
  try {
    const child = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(ROOT, 'src/main.ts')], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        TRELLIS_TZ: 'UTC',
        TRELLIS_DB: db.file,
        TRELLIS_CONSOLE_USER: 'ana',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.stdin.write('help\n');
    // The first answer arrives; then the reader goes away, as `head -1` does.
    await new Promise((resolve) => child.stdout.once('data', resolve));
    child.stdout.destroy();
    child.stdin.end(`${'help\n'.repeat(20)}/selfcheck 4 3 5 4 4 2 kept after the pipe closed\n`);
    expect(await exited).toBe(0);
    expect(stderr).not.toMatch(/EPIPE|Error|at /);
    const stored = new Database(db.file, { readonly: true });
    expect(stored.prepare('SELECT count(*) FROM self_checks').pluck().get()).toBe(1);
    stored.close();
  } finally {
    db.cleanup();
  }
}, 30_000);
