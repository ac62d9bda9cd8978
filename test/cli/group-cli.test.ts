import { cli } from '../helpers/cli';
import { inChannel, makeWeeklyTrellis, slackRef } from '../helpers/weekly';

describe('CLI: peer-supervision channels', () => {
  const t = makeWeeklyTrellis('2027-01-06T10:00:00Z', { charts: false });
  const env = { TRELLIS_DB: t.file, TRELLIS_TZ: 'UTC', LOG_LEVEL: 'silent' };
  let lead = 0;
  let peer = 0;

  beforeAll(() => {
    t.trellis.handleText(slackRef('U1'), 'digest here tue 10:00', inChannel('C0PEERS', 'peers'));
    t.trellis.handleText(slackRef('U2'), 'digest here', inChannel('C0OTHER', 'other'));
    for (const user of ['U1', 'U2', 'U3']) t.trellis.handleText(slackRef(user), 'group join', inChannel('C0PEERS'));
    lead = t.trellis.coach(slackRef('U1')).id;
    peer = t.trellis.coach(slackRef('U2')).id;
  });
  afterAll(() => t.close());

  test('groups lists every channel with its members, schedule and registering coach; --json for scripts', async () => {
    const listed = await cli(['groups'], env);
    expect(listed.code).toBe(0);
    expect(listed.out).toContain(
      `slack:T1  C0PEERS  peers  3 members  digest every Tuesday at 10:00 (UTC)  registered by coach ${lead}`,
    );
    expect(listed.out).toContain('C0OTHER  other  0 members  digest every Monday at 09:00 (UTC)');
    const json = JSON.parse((await cli(['groups', '--json'], env)).out);
    expect(json).toEqual([
      expect.objectContaining({ platform: 'slack', tenant: 'T1', channelId: 'C0PEERS', name: 'peers', members: 3 }),
      expect.objectContaining({ channelId: 'C0OTHER', members: 0, registeredBy: peer }),
    ]);
    expect(json[0]).toMatchObject({ schedule: 'every Tuesday at 10:00 (UTC)', registeredBy: lead });
  });

  test('group-owner hands a channel on: the new owner may change it, the old one no longer', async () => {
    const handed = await cli(['group-owner', '--channel', 'C0PEERS', '--coach', String(peer)], env);
    expect(handed.code).toBe(0);
    expect(t.repos.groups.find('slack', 'T1', 'C0PEERS')?.createdBy).toBe(peer);
    const refused = t.trellis.handleText(slackRef('U1'), 'digest here wed 10:00', inChannel('C0PEERS'));
    expect(JSON.stringify(refused)).toContain('Only the coach who registered this channel');
    expect((await cli(['group-owner', '--channel', 'C0PEERS', '--coach', '9999'], env)).err).toContain(
      'no coach 9999 in slack:T1',
    );
    expect((await cli(['group-owner', '--channel', 'C0PEERS', '--coach', 'U1'], env)).err).toContain(
      '--coach: a coach number',
    );
  });

  test('group-stop unregisters a channel with its memberships; mistakes are usage errors or named', async () => {
    const stopped = await cli(['group-stop', '--channel', 'C0PEERS', '--platform', 'slack'], env);
    expect(stopped.code).toBe(0);
    expect(stopped.out).toContain('channel C0PEERS (slack:T1) is no longer a peer-supervision channel');
    expect(t.repos.groups.find('slack', 'T1', 'C0PEERS')).toBeUndefined();
    expect((t.db.prepare('SELECT count(*) AS n FROM group_members').get() as { n: number }).n).toBe(0);
    const again = await cli(['group-stop', '--channel', 'C0PEERS'], env);
    expect(again.code).toBe(1);
    expect(again.err).toContain('channel C0PEERS is not a peer-supervision channel');
    const noChannel = await cli(['group-stop'], env);
    expect(noChannel.code).toBe(2);
    expect(noChannel.err).toContain('--channel: name the channel');
    const wrongPlatform = await cli(['group-stop', '--channel', 'C0OTHER', '--platform', 'teams'], env);
    expect(wrongPlatform.code).toBe(1);
    expect(wrongPlatform.err).toContain('not a peer-supervision channel on teams');
    expect((await cli(['groups'], env)).out).not.toContain('C0PEERS');
  });
});
