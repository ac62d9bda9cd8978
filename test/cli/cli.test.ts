import fs from 'node:fs';
import Database from 'better-sqlite3';
import { runTs } from '../helpers/run';
import { tempDir } from '../helpers/temp-db';

describe('the admin CLI', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => {
    t = tempDir();
  });
  afterEach(() => t.cleanup());

  const cli = (...args: string[]) => runTs('src/cli.ts', args, { env: { TRELLIS_DB: t.file('trellis.db') } });

  it('lists its commands with --help', async () => {
    const result = await cli('--help');
    expect(result.code).toBe(0);
    for (const name of ['migrate', 'stats', 'seed-demo', 'backup']) expect(result.stdout).toContain(name);
  });

  it('migrates, seeds demo history, reports stats and backs up online', async () => {
    expect((await cli('migrate')).stdout).toMatch(/schema version \d+ of \d+: up to date/);
    const seeded = await cli('seed-demo', '--coaches', '12', '--weeks', '10', '--seed', '7');
    expect(seeded.code).toBe(0);
    expect(seeded.stdout).toMatch(/seeded 12 coaches, \d+ self-checks, \d+ reflections over 10 weeks/);
    const stats = JSON.parse((await cli('stats', '--json')).stdout);
    expect(stats.coaches).toEqual({ console: 12 });
    expect(stats.selfChecks).toBeGreaterThan(12 * 5);

    const backup = await cli('backup', t.file('backup.db'));
    expect(backup.code).toBe(0);
    const copy = new Database(t.file('backup.db'), { readonly: true });
    expect((copy.prepare('SELECT count(*) AS n FROM self_checks').get() as { n: number }).n).toBe(stats.selfChecks);
    copy.close();
    expect((await cli('backup', t.file('backup.db'))).stderr).toContain('already exists');
  });

  it('seeds the same history for the same seed', async () => {
    await cli('seed-demo', '--coaches', '3', '--weeks', '4', '--seed', '42');
    const first = fs.readFileSync(t.file('trellis.db')).length;
    const db = new Database(t.file('trellis.db'), { readonly: true });
    const rows = db.prepare('SELECT coach_id, local_date, context, respect FROM self_checks ORDER BY id').all();
    db.close();
    fs.rmSync(t.file('trellis.db'));
    fs.rmSync(t.file('trellis.db-wal'), { force: true });
    fs.rmSync(t.file('trellis.db-shm'), { force: true });
    await cli('seed-demo', '--coaches', '3', '--weeks', '4', '--seed', '42');
    const again = new Database(t.file('trellis.db'), { readonly: true });
    expect(again.prepare('SELECT coach_id, local_date, context, respect FROM self_checks ORDER BY id').all()).toEqual(
      rows,
    );
    again.close();
    expect(first).toBeGreaterThan(0);
  });

  it('explains bad arguments and unknown commands', async () => {
    const bad = await cli('seed-demo', '--coaches', 'lots', '--weeks', '4');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--coaches: must be a whole number');
    expect(bad.stderr).toContain('usage: seed-demo');
    const missing = await cli('seed-demo', '--coaches', '3');
    expect(missing.stderr).toContain('--weeks: is required');
    const unknown = await cli('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    expect((await cli('backup')).stderr).toContain('name exactly one backup file');
  });
});
