import fs from 'node:fs';
import Database from 'better-sqlite3';
import { openApp } from '../helpers/app';
import { runTs } from '../helpers/run';
import { tempDir } from '../helpers/temp-db';

/** The admin's first hour through the real CLI (npm run cli): who is here, which channels, demo data, .env. */
describe('CLI: coaches, groups, seed-demo and .env', () => {
  const t = tempDir();
  const file = t.file('trellis.db');
  const cli = (...args: string[]) => runTs('src/cli.ts', args, { env: { TRELLIS_DB: file } });

  beforeAll(() => {
    const app = openApp(file);
    const ana = { platform: 'slack' as const, tenant: 'T1', user: 'U0ANA' };
    app.trellis.handleText(ana, '/selfcheck 4 4 4 4 4 4 a private note about a client', { displayName: 'Ana' });
    app.trellis.handleText({ platform: 'console', tenant: 'local', user: 'ben' }, 'settings tz Asia/Kolkata');
    app.trellis.handleText(ana, 'digest here', { channel: { id: 'C0PEERS', kind: 'group', name: 'peers' } });
    app.clock.advance(60_000);
    app.trellis.handleText({ platform: 'slack', tenant: 'T1', user: 'U0CAL' }, 'group join', {
      channel: { id: 'C0PEERS', kind: 'group' },
    });
    app.close();
  });
  afterAll(() => t.cleanup());

  it('coaches lists numbers, platform ids, names, time zones and last activity, never content', async () => {
    const listed = await cli('coaches');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/1 {2}slack:T1 {2}U0ANA {2}Ana {2}UTC {2}last activity 2026-11-24T09:00:00\.000Z/);
    expect(listed.stdout).toMatch(/2 {2}console:local {2}ben {2}\(no name\) {2}Asia\/Kolkata {2}last activity/);
    expect(listed.stdout).toContain('3 coaches');
    expect(listed.stdout).not.toMatch(/private note/);

    const json = JSON.parse((await cli('coaches', '--json')).stdout);
    expect(json[0]).toEqual({
      number: 1,
      platform: 'slack',
      tenant: 'T1',
      user: 'U0ANA',
      displayName: 'Ana',
      timeZone: 'UTC',
      lastActivity: '2026-11-24T09:00:00.000Z',
    });
    expect(JSON.stringify(json)).not.toMatch(/private note|"ratings"|"note"/);

    const slackOnly = JSON.parse((await cli('coaches', '--platform', 'slack', '--json')).stdout);
    expect(slackOnly.map((c: { user: string }) => c.user)).toEqual(['U0ANA', 'U0CAL']);
    const bad = await cli('coaches', '--platform', 'irc');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--platform: one of slack, teams, console');
  });

  it('groups --json carries the time zone and the last activity (a member joining counts)', async () => {
    const [group] = JSON.parse((await cli('groups', '--json')).stdout);
    expect(group).toMatchObject({ channelId: 'C0PEERS', timeZone: 'UTC', lastActivity: '2026-11-24T09:01:00.000Z' });
    expect((await cli('groups')).stdout).toMatch(/C0PEERS {2}peers .* {2}last activity 2026-11-24T09:01:00\.000Z/);
  });

  it('--json is stable: one line of JSON, the same on every run, every key present (null when unknown), never content', async () => {
    const coachesRun = await cli('coaches', '--json');
    const groupsRun = await cli('groups', '--json');
    for (const run of [coachesRun, groupsRun]) {
      expect(run.code).toBe(0);
      expect(run.stdout.trim().split('\n')).toHaveLength(1);
      expect(run.stdout).not.toMatch(/private note|client|"note"|"text"|"ratings"/);
    }
    expect((await cli('coaches', '--json')).stdout).toBe(coachesRun.stdout);
    expect((await cli('groups', '--json')).stdout).toBe(groupsRun.stdout);

    const coachKeys = ['number', 'platform', 'tenant', 'user', 'displayName', 'timeZone', 'lastActivity'];
    const coaches = JSON.parse(coachesRun.stdout) as Record<string, unknown>[];
    for (const c of coaches) expect(Object.keys(c)).toEqual(coachKeys);
    expect(coaches.map((c) => c.number)).toEqual([1, 2, 3]);
    expect(coaches[1].displayName).toBeNull();

    expect(JSON.parse(groupsRun.stdout)).toEqual([
      {
        id: 1,
        platform: 'slack',
        tenant: 'T1',
        channelId: 'C0PEERS',
        name: 'peers',
        members: 1,
        schedule: 'every Monday at 09:00 (UTC)',
        timeZone: 'UTC',
        registeredBy: 1,
        lastActivity: '2026-11-24T09:01:00.000Z',
      },
    ]);

    const empty = t.file('empty.db');
    const none = (...args: string[]) => runTs('src/cli.ts', args, { env: { TRELLIS_DB: empty } });
    expect((await none('coaches', '--json')).stdout.trim()).toBe('[]');
    expect((await none('groups', '--json')).stdout.trim()).toBe('[]');
  });

  it('seed-demo refuses to add to demo coaches unless --append, which numbers the new ones after them', async () => {
    const demo = t.file('demo.db');
    const seed = (...extra: string[]) =>
      runTs('src/cli.ts', ['seed-demo', '--coaches', '3', '--weeks', '2', ...extra], { env: { TRELLIS_DB: demo } });
    expect((await seed()).code).toBe(0);
    const counts = () => {
      const db = new Database(demo, { readonly: true });
      try {
        return {
          coaches: db.prepare('SELECT count(*) FROM coaches').pluck().get(),
          checks: db.prepare('SELECT count(*) FROM self_checks').pluck().get(),
          users: db.prepare('SELECT user_id FROM coaches ORDER BY id').pluck().all(),
        };
      } finally {
        db.close();
      }
    };
    const before = counts();
    const again = await seed();
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already has 3 demo coaches .* Add --append .* Nothing was changed/);
    expect(counts()).toEqual(before);

    const appended = await seed('--append');
    expect(appended.code).toBe(0);
    expect(appended.stdout).toMatch(/seeded 3 coaches \(demo-00004 on\)/);
    expect(counts().users).toEqual([
      'demo-00001',
      'demo-00002',
      'demo-00003',
      'demo-00004',
      'demo-00005',
      'demo-00006',
    ]);
  });

  it('reads .env from the working directory; a variable in the environment wins', async () => {
    const folder = fs.mkdtempSync(t.file('env-'));
    fs.writeFileSync(`${folder}/.env`, `# settings\nTRELLIS_DB=${t.file('from-env-file.db')}\nLOG_LEVEL="silent"\n`);
    const fromFile = await runTs('src/cli.ts', ['migrate'], { cwd: folder });
    expect(fromFile.code).toBe(0);
    expect(fromFile.stdout).toContain(t.file('from-env-file.db'));
    const overridden = await runTs('src/cli.ts', ['migrate'], { cwd: folder, env: { TRELLIS_DB: file } });
    expect(overridden.stdout).toContain(`up to date (${file})`);

    fs.writeFileSync(`${folder}/.env`, 'PORT=eighty\n');
    const bad = await runTs('src/main.ts', [], { cwd: folder, input: 'help\n' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('PORT: must be a port number from 0 to 65535');
    expect(bad.stderr).toContain('(PORT is set in .env)');
    expect(bad.stderr).not.toContain('eighty');
  });
});
