import fs from 'node:fs';
import path from 'node:path';
import { cli } from '../helpers/cli';
import { csvRecords } from '../helpers/csv';
import { pdfText } from '../helpers/pdf-text';
import { tempDir } from '../helpers/temp-db';
import { makeTrellis } from '../helpers/trellis';

/** `npm run cli -- portfolio`: a coach's PDF and CSVs into a folder, its arguments checked, the admin's act audited. */
describe('admin CLI: portfolio', () => {
  let t: ReturnType<typeof makeTrellis>;
  let out: ReturnType<typeof tempDir>;
  const ref = { platform: 'console' as const, tenant: 'local', user: 'cli-coach' };
  beforeEach(() => {
    t = makeTrellis(new Date().toISOString());
    out = tempDir();
    t.trellis.handleText(ref, '/selfcheck session 60 paid C17 2026-01-10', { displayName: 'Cleo Coach' });
    t.trellis.handleText(ref, '/selfcheck session 30 probono C18 2026-02-10');
  });
  afterEach(() => {
    t.close();
    out.cleanup();
  });
  const env = () => ({ TRELLIS_DB: t.file, TRELLIS_TZ: 'UTC', LOG_LEVEL: 'silent' });

  test('writes the PDF and both CSVs for the period, prints their names, and audits it as the admin', async () => {
    const coach = t.repos.coaches.find(ref)!;
    const run = await cli(
      ['portfolio', '--coach', String(coach.id), '--out', out.file('x'), '--from', '2026-01', '--to', '2026-01'],
      env(),
    );
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const dir = /to (.+):$/m.exec(run.out)?.[1] as string;
    expect(fs.readdirSync(dir).sort()).toEqual([
      'trellis-coaching-log-2026-01-01-2026-01-31.csv',
      'trellis-mentoring-log-2026-01-01-2026-01-31.csv',
      'trellis-portfolio-2026-01-01-2026-01-31.pdf',
    ]);
    for (const name of fs.readdirSync(dir)) expect(run.out).toContain(`  ${name}`);
    const { text } = pdfText(fs.readFileSync(path.join(dir, 'trellis-portfolio-2026-01-01-2026-01-31.pdf')));
    expect(text).toContain('Cleo Coach');
    expect(text).toContain('C17');
    expect(text).not.toContain('C18');
    const log = csvRecords(fs.readFileSync(path.join(dir, 'trellis-coaching-log-2026-01-01-2026-01-31.csv'), 'utf8'));
    expect(log.records.map((r) => r['Client Name'])).toEqual(['C17']);
    const audit = t.repos.privacy.auditFor(coach.id).at(-1);
    expect(audit).toMatchObject({ action: 'export', actor: 'admin', objectIds: { file: 'portfolio', sessions: [1] } });
  });

  test.each([
    [['--coach', 'nobody'], /no coach|nobody/, 1],
    [['--coach', 'cli-coach', '--from', 'soon'], /--from: give a date as YYYY-MM-DD/, 2],
    [['--coach', 'cli-coach', '--from', '2026-02', '--to', '2026-01'], /starts after it ends/, 1],
    [['--coach', 'cli-coach', '--out'], /--out/, 2],
  ])('%j is refused with what to fix, and writes nothing', async (args, problem, code) => {
    const run = await cli(['portfolio', ...args, ...(args.includes('--out') ? [] : ['--out', out.file('y')])], env());
    expect(run.code).toBe(code);
    expect(run.err).toMatch(problem);
    expect(fs.existsSync(out.file('y'))).toBe(false);
  });
});
