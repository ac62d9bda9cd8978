import { runCli } from '../../src/cli/index';
import type { CoachRef } from '../../src/core/model';
import { openApp } from '../helpers/app';
import { tempDir } from '../helpers/temp-db';

/** Every CLI command that takes a coach names them the same three ways (src/cli/coach-selector.ts). */
describe('CLI: one way to name a coach', () => {
  const dir = tempDir();
  const file = dir.file('t.db');
  const env = { TRELLIS_DB: file, TRELLIS_TZ: 'UTC', LOG_LEVEL: 'silent' };
  const AT = '2026-11-27T15:00:00Z';
  const refs = {
    slackAna: { platform: 'slack', tenant: 'T1', user: 'U-ANA' },
    slackTwin: { platform: 'slack', tenant: 'T1', user: 'U-TWIN' },
    teamsTwin: { platform: 'teams', tenant: 'tenant-1', user: 'U-TWIN' },
    slackTwinElsewhere: { platform: 'slack', tenant: 'T2', user: 'U-TWIN' },
    colons: { platform: 'teams', tenant: 'tenant-1', user: '29:1a2b:3c' },
    digits: { platform: 'console', tenant: 'local', user: '900' },
    spaced: { platform: 'console', tenant: 'local', user: 'Ana Smith' },
  } satisfies Record<string, CoachRef>;
  const ids = {} as Record<keyof typeof refs, number>;
  /** A terminal-chat coach whose user id is Ana's coach number. */
  let shadowId = 0;

  beforeAll(() => {
    const app = openApp(file);
    for (const [name, ref] of Object.entries(refs)) {
      app.trellis.handleText(ref, '/selfcheck 4 3 5 4 4 2');
      ids[name as keyof typeof refs] = app.trellis.coach(ref).id;
    }
    shadowId = app.trellis.coach({ platform: 'console', tenant: 'local', user: String(ids.slackAna) }).id;
    app.close();
  });
  afterAll(() => dir.cleanup());

  async function cli(...args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) }, env);
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  /** Which coach a command resolved: `delete` without --yes names them and deletes nothing. */
  async function deleteProbe(...selector: string[]) {
    const result = await cli('delete', ...selector);
    return {
      code: result.code,
      named: /This deletes coach (\d+) \((.+)\) and all their data/.exec(result.err)?.slice(1),
      err: result.err,
    };
  }

  test.each([
    ['a number', () => [String(ids.slackAna)]],
    ['platform:tenant:user', () => ['slack:T1:U-ANA']],
    ['a bare user id', () => ['U-ANA']],
    ['a bare user id with --platform', () => ['U-ANA', '--platform', 'slack']],
  ])('%s names the same coach in delete, export, summary and audit', async (_, selector) => {
    const [coach, ...rest] = selector();
    const expected = [String(ids.slackAna), 'slack:T1:U-ANA'];
    expect(await deleteProbe('--coach', coach, ...rest)).toMatchObject({ code: 2, named: expected });

    const exported = await cli('export', '--coach', coach, ...rest, '--out', dir.file('exports'));
    expect(exported).toMatchObject({ code: 0 });
    expect(exported.out).toContain(`exported coach ${ids.slackAna} to `);

    const summary = await cli('summary', '--coach', coach, ...rest, '--dry-run', '--at', AT);
    expect(summary.code).toBe(0);
    expect(summary.out).toContain('Your week:');

    const audit = await cli('audit', '--coach', coach, ...rest);
    expect(audit.code).toBe(0);
    const entries = audit.out.split('\n').map((l) => JSON.parse(l));
    expect(entries.length).toBeGreaterThan(0);
    expect(new Set(entries.map((e) => e.coachId))).toEqual(new Set([ids.slackAna]));
    expect(entries.at(-1).action).toBe('export');
  });

  test('a user id on several platforms or tenants is refused, listing each as platform:tenant:user', async () => {
    for (const command of [['delete'], ['export'], ['audit'], ['summary', '--dry-run']]) {
      const result = await cli(...command, '--coach', 'U-TWIN');
      expect(result.code).toBe(1);
      expect(result.err).toContain(
        '"U-TWIN" names 3 coaches: slack:T1:U-TWIN, teams:tenant-1:U-TWIN, slack:T2:U-TWIN. Give one of these as --coach, or add --platform.',
      );
    }
    // --platform settles it when the user id is on one tenant of that platform, and not when it is on two.
    expect((await deleteProbe('--coach', 'U-TWIN', '--platform', 'teams')).named).toEqual([
      String(ids.teamsTwin),
      'teams:tenant-1:U-TWIN',
    ]);
    const twoTenants = await cli('delete', '--coach', 'U-TWIN', '--platform', 'slack');
    expect(twoTenants.code).toBe(1);
    expect(twoTenants.err).toContain('"U-TWIN" names 2 coaches: slack:T1:U-TWIN, slack:T2:U-TWIN. Give one of these');
    expect(twoTenants.err).not.toContain('add --platform');
    // Any of the listed names works as given.
    expect((await deleteProbe('--coach', 'slack:T2:U-TWIN')).named).toEqual([
      String(ids.slackTwinElsewhere),
      'slack:T2:U-TWIN',
    ]);
  });

  test('an unknown coach is a clear error in every form, and nothing is touched', async () => {
    const unknown: [string[], string][] = [
      [['--coach', 'U-404'], 'no coach with id or user id "U-404"'],
      [['--coach', 'slack:T1:U-404'], 'no coach slack:T1:U-404'],
      [['--coach', '99999'], 'no coach with id or user id "99999"'],
      [['--coach', 'U-ANA', '--platform', 'teams'], 'no coach with id or user id "U-ANA" on teams'],
      [['--coach', 'slack:T1:U-ANA', '--platform', 'teams'], 'no coach slack:T1:U-ANA on teams'],
      [
        ['--coach', String(ids.slackAna), '--platform', 'teams'],
        `no coach with id or user id "${ids.slackAna}" on teams`,
      ],
    ];
    for (const [selector, message] of unknown) {
      const deleted = await cli('delete', ...selector, '--yes');
      expect(deleted).toMatchObject({ code: 1 });
      expect(deleted.err).toBe(`${message}; nothing was deleted.`);
      const exported = await cli('export', ...selector, '--out', dir.file('nowhere'));
      expect(exported.code).toBe(1);
      expect(exported.err).toContain(`${message}; nothing was exported.`);
      const summary = await cli('summary', ...selector, '--dry-run');
      expect(summary).toMatchObject({ code: 1, err: message });
    }
    expect((await cli('audit', '--coach', 'U-404')).err).toBe(
      'no coach with id or user id "U-404". A deleted coach is found by number only.',
    );
    expect((await deleteProbe('--coach', 'U-ANA')).named).toEqual([String(ids.slackAna), 'slack:T1:U-ANA']);
  });

  test('a user id with colons or spaces, and a user id of digits when no coach has that number', async () => {
    for (const coach of ['console:local:Ana Smith', 'Ana Smith']) {
      expect((await deleteProbe('--coach', coach)).named).toEqual([String(ids.spaced), 'console:local:Ana Smith']);
    }
    expect((await deleteProbe('--coach', 'teams:tenant-1:29:1a2b:3c')).named).toEqual([
      String(ids.colons),
      'teams:tenant-1:29:1a2b:3c',
    ]);
    expect((await deleteProbe('--coach', '29:1a2b:3c')).named).toEqual([
      String(ids.colons),
      'teams:tenant-1:29:1a2b:3c',
    ]);
    expect((await deleteProbe('--coach', '900')).named).toEqual([String(ids.digits), 'console:local:900']);
    // A number that is a coach's number names that coach, even where it is also someone's user id...
    expect((await deleteProbe('--coach', String(ids.slackAna))).named).toEqual([
      String(ids.slackAna),
      'slack:T1:U-ANA',
    ]);
    // ...unless --platform rules that coach out.
    expect((await deleteProbe('--coach', String(ids.slackAna), '--platform', 'console')).named).toEqual([
      String(shadowId),
      `console:local:${ids.slackAna}`,
    ]);
  });

  test('malformed selectors and platforms are usage errors (exit 2) that say what to give', async () => {
    const missing = await cli('export');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('--coach: name the coach: --coach <number | platform:tenant:user | user id>');
    expect(missing.err).toContain('usage: export --coach <id|platform:tenant:user|user> [--platform P]');
    const blank = await cli('audit', '--coach', '  ');
    expect(blank.code).toBe(2);
    expect(blank.err).toContain('--coach: name the coach: a number, platform:tenant:user, or a user id');
    const control = await cli('delete', '--coach', 'U-ANA\u0000');
    expect(control.code).toBe(2);
    expect(control.err).toContain('--coach: has control characters');
    const platform = await cli('summary', '--coach', 'U-ANA', '--platform', 'myspace', '--dry-run');
    expect(platform.code).toBe(2);
    expect(platform.err).toContain('--platform: must be one of slack, teams, console');
  });

  test('audit finds a deleted coach by number only', async () => {
    const deleted = await cli('delete', '--coach', 'slack:T1:U-TWIN', '--yes');
    expect(deleted.code).toBe(0);
    const byNumber = await cli('audit', '--coach', String(ids.slackTwin));
    expect(byNumber.code).toBe(0);
    expect(byNumber.out.split('\n').map((l) => JSON.parse(l).action)).toEqual(['delete']);
    const byRef = await cli('audit', '--coach', 'slack:T1:U-TWIN');
    expect(byRef).toMatchObject({ code: 1, err: 'no coach slack:T1:U-TWIN. A deleted coach is found by number only.' });
  });
});
