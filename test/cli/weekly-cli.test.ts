import fs from 'node:fs';
import { runCli } from '../../src/cli/index';
import { toPlainText } from '../../src/core/message';
import { tempDir } from '../helpers/temp-db';
import { addCheck, inChannel, makeWeeklyTrellis, ratings, slackRef } from '../helpers/weekly';

const AT = '2027-01-08T15:00:00Z';

async function cli(args: string[], env: NodeJS.ProcessEnv) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) }, env);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('CLI: summary and digest dry-runs', () => {
  const t = makeWeeklyTrellis(AT);
  const dir = tempDir();
  const env = { TRELLIS_DB: t.file, TRELLIS_TZ: 'UTC', LOG_LEVEL: 'silent' };
  let coachId = 0;
  let expectedSummary = '';
  let expectedDigest = '';

  beforeAll(async () => {
    t.trellis.handleText(slackRef('U0'), '/selfcheck digest here fri 15:00', inChannel('C0PEERS'));
    for (const [i, user] of ['U1', 'U2', 'U3'].entries()) {
      t.trellis.handleText(slackRef(user), '/selfcheck group join', inChannel('C0PEERS'));
      addCheck(t.repos, t.trellis.coach(slackRef(user)), '2027-01-05', ratings((3 + i) as 3 | 4 | 5));
    }
    coachId = t.trellis.coach(slackRef('U1')).id;
    // What the core would hand the platform, rendered the way the CLI promises to print it.
    expectedSummary = toPlainText((await t.trellis.weeklySummaryFor(coachId, new Date(AT)))!);
    const group = t.repos.groups.find('slack', 'T1', 'C0PEERS')!;
    expectedDigest = toPlainText((await t.trellis.digestFor(group.id, new Date(AT)))!);
    t.db.close();
  });
  afterAll(() => {
    dir.cleanup();
    t.close();
  });

  test('summary --dry-run prints exactly what would be posted, by id or user id; --png writes the chart', async () => {
    const png = dir.file('summary.png');
    const byId = await cli(['summary', '--coach', String(coachId), '--dry-run', '--at', AT, '--png', png], env);
    expect(byId.code).toBe(0);
    expect(byId.out).toBe(expectedSummary);
    expect(byId.out).toContain('Your week: 4–10 Jan 2027');
    expect(byId.out).toContain('Context     3.0');
    expect(byId.out).toContain('[chart: Bar chart of your weekly mean');
    expect(fs.readFileSync(png).subarray(1, 4).toString('latin1')).toBe('PNG');
    const byUser = await cli(['summary', '--coach', 'U1', '--dry-run', '--at', AT], env);
    expect(byUser.out).toBe(expectedSummary);
  });

  test('digest --channel --dry-run prints the anonymous digest', async () => {
    const result = await cli(['digest', '--channel', 'C0PEERS', '--dry-run', '--at', AT], env);
    expect(result.code).toBe(0);
    expect(result.out).toBe(expectedDigest);
    expect(result.out).toContain('3 members; 3 checked in during the week.');
    expect(result.out).toMatch(/Context\s+4\.0/);
  });

  test('arguments are checked and say what to fix', async () => {
    const noDry = await cli(['summary', '--coach', 'U1'], env);
    expect(noDry.code).toBe(2);
    expect(noDry.err).toContain('add --dry-run');
    const badAt = await cli(['digest', '--channel', 'C0PEERS', '--dry-run', '--at', 'friday'], env);
    expect(badAt.code).toBe(2);
    expect(badAt.err).toContain('--at: an ISO instant');
    const badPng = await cli(['digest', '--channel', 'C0PEERS', '--dry-run', '--png', 'chart.jpg'], env);
    expect(badPng.err).toContain('name a .png file');
    const unknown = await cli(['digest', '--channel', 'C0NOPE', '--dry-run'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('not a peer-supervision channel');
    const nobody = await cli(['summary', '--coach', 'U404', '--dry-run'], env);
    expect(nobody.code).toBe(1);
    expect(nobody.err).toContain('no coach with id or user id "U404"');
  });
});
