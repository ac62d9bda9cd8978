import fs from 'node:fs';
import { newKey, openApp } from '../helpers/app';
import { collect, exited, startTrellis } from '../helpers/child';
import { tempDir } from '../helpers/temp-db';

/** The real entry point (npm start) refuses to start with the wrong or a missing key, says why, and changes nothing. */
describe('start-up with an encrypted database', () => {
  const dir = tempDir();
  const file = dir.file('t.db');
  const key = newKey();
  let before: Buffer;

  beforeAll(() => {
    const app = openApp(file, { TRELLIS_ENCRYPTION_KEY: key });
    app.trellis.handleText({ platform: 'console', tenant: 'local', user: 'ana' }, '/selfcheck 4 4 4 4 4 4 private');
    app.close();
    before = fs.readFileSync(file);
  });
  afterAll(() => dir.cleanup());

  it.each([
    [
      'the wrong key',
      { TRELLIS_ENCRYPTION_KEY: newKey() },
      /TRELLIS_ENCRYPTION_KEY is not the key this database was encrypted with/,
    ],
    ['no key', {}, /holds encrypted notes .* TRELLIS_ENCRYPTION_KEY is not set/],
  ])('%s: exit code 1, a clear message, the file unchanged', async (_, env: Record<string, string>, message) => {
    const child = startTrellis({ TRELLIS_DB: file, ...env }, dir.dir);
    const err = collect(child.stderr!);
    child.stdin!.end('history\n');
    expect(await exited(child)).toBe(1);
    expect(err.text()).toMatch(message);
    expect(err.text()).toMatch(/Nothing was changed|nothing was changed/);
    if (env.TRELLIS_ENCRYPTION_KEY) expect(err.text()).not.toContain(env.TRELLIS_ENCRYPTION_KEY);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('the right key starts and shows the note', async () => {
    const child = startTrellis({ TRELLIS_DB: file, TRELLIS_ENCRYPTION_KEY: key, TRELLIS_CONSOLE_USER: 'ana' }, dir.dir);
    const out = collect(child.stdout);
    child.stdin!.end('history\n');
    expect(await exited(child)).toBe(0);
    expect(out.text()).toMatch(/Recent self-checks[\s\S]*\(note\)/);
  });
});
