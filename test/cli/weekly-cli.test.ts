import fs from 'node:fs';
import { toPlainText } from '../../src/core/message';
import { cli } from '../helpers/cli';
import { tempDir } from '../helpers/temp-db';
import { addCheck, inChannel, makeWeeklyTrellis, ratings, slackRef } from '../helpers/weekly';

// Monday 11 January 2027, 09:00: the digest reports on the closed week of 4–10 January.
const AT = '2027-01-11T09:00:00Z';

describe('CLI: summary and digest dry-runs', () => {
  const t = makeWeeklyTrellis('2027-01-06T10:00:00Z');
  const dir = tempDir();
  const env = { TRELLIS_DB: t.file, TRELLIS_TZ: 'UTC', LOG_LEVEL: 'silent' };
  let coachId = 0;
  let expectedSummary = '';
  let published = '';
  let preview = '';
  const publishedRows = () => (t.db.prepare('SELECT count(*) AS n FROM group_digests').get() as { n: number }).n;

  beforeAll(async () => {
    // Two channels with the same five members: C0PEERS has had its digest published, C0LATER not yet.
    for (const channel of ['C0PEERS', 'C0LATER']) {
      t.trellis.handleText(slackRef('U0'), '/selfcheck digest here mon 09:00', inChannel(channel));
    }
    for (const [i, user] of ['U1', 'U2', 'U3', 'U4', 'U5'].entries()) {
      for (const channel of ['C0PEERS', 'C0LATER']) {
        t.trellis.handleText(slackRef(user), '/selfcheck group join', inChannel(channel));
      }
      addCheck(t.repos, t.trellis.coach(slackRef(user)), '2027-01-05', ratings(([3, 4, 5, 4, 2] as const)[i]));
    }
    coachId = t.trellis.coach(slackRef('U1')).id;
    // What the core would hand the platform, rendered the way the CLI promises to print it.
    expectedSummary = toPlainText((await t.trellis.weeklySummaryFor(coachId, new Date(AT)))!);
    const peers = t.repos.groups.find('slack', 'T1', 'C0PEERS')!;
    published = toPlainText((await t.trellis.digestFor(peers.id, new Date(AT)))!);
    const later = t.repos.groups.find('slack', 'T1', 'C0LATER')!;
    preview = toPlainText(await t.trellis.weekly.digestMessageFor(t.trellis.weekly.digestData(later, new Date(AT))));
    // A late check-in in the published week, by a member of both: published figures do not move, a preview does.
    addCheck(t.repos, t.trellis.coach(slackRef('U5')), '2027-01-06', ratings(5));
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

  test('digest --dry-run of a published week prints the published figures, whatever happened since', async () => {
    const result = await cli(['digest', '--channel', 'C0PEERS', '--dry-run', '--at', AT], env);
    expect(result.code).toBe(0);
    expect(result.out).toBe(published);
    expect(result.out).toContain('5 members at the end of the week; at least 5 members checked in during the week.');
    expect(result.out).toMatch(/Context\s+about half/); // 4, 5, 4 of 3, 4, 5, 4, 2: three of five
    expect(result.out).not.toContain('Preview');
  });

  test('digest --dry-run of a week not yet published is a preview and stores nothing', async () => {
    const before = publishedRows();
    const result = await cli(['digest', '--channel', 'C0LATER', '--dry-run', '--at', AT], env);
    expect(result.code).toBe(0);
    expect(result.out).toContain('Preview, not yet published');
    // Computed the same way, but live: the late check-in (a mean of 3.5 for U5) now counts.
    expect(result.out).not.toBe(preview);
    expect(result.out).toMatch(/Context\s+most/);
    expect(publishedRows()).toBe(before);
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
    const badPlatform = await cli(['digest', '--channel', 'C0PEERS', '--dry-run', '--platform', 'irc'], env);
    expect(badPlatform.code).toBe(2);
    expect(badPlatform.err).toContain('--platform: one of slack, teams, console');
    const nobody = await cli(['summary', '--coach', 'U404', '--dry-run'], env);
    expect(nobody.code).toBe(1);
    expect(nobody.err).toContain('no coach with id or user id "U404"');
  });
});
