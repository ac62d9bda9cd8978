import { type ChannelPlatform, PLATFORMS } from '../../helpers/digest-channels';

const WEDNESDAY = '2027-01-06T10:00:00Z';
const MONDAY_DIGEST = '2027-01-11T09:00:00Z';

/** Who may run a peer-supervision channel, through the real adapters. */
describe.each(PLATFORMS)('%s: only the registering coach changes or stops a channel', (_label, start) => {
  let p: ChannelPlatform;
  beforeEach(async () => {
    p = await start(WEDNESDAY);
  });
  afterEach(() => p.stop());

  const groupOf = (channel: string) => p.app.repos.groups.all().find((g) => g.channelId === channel);

  test('schedule: the default is Monday 09:00; others are refused or told it; the owner changes it', async () => {
    const channel = p.channel(1);
    expect(await p.say('U1LEAD', channel, 'digest here')).toContain(
      'This channel is now a peer-supervision channel: the digest comes every Monday at 09:00',
    );
    expect(groupOf(channel)).toMatchObject({ digestWeekday: 1, digestTime: '09:00', createdBy: p.coachId('U1LEAD') });

    const takeover = await p.say('U2PEER', channel, 'digest here mon 06:00');
    expect(takeover).toContain(
      'Only the coach who registered this channel can change its schedule or stop it; an admin can with npm run cli -- group-stop.',
    );
    expect(groupOf(channel)).toMatchObject({ digestWeekday: 1, digestTime: '09:00' });
    expect(await p.say('U2PEER', channel, 'digest here')).toContain('the digest comes every Monday at 09:00');

    expect(await p.say('U1LEAD', channel, 'digest here tue 10:30')).toContain('every Tuesday at 10:30');
    expect(groupOf(channel)).toMatchObject({ digestWeekday: 2, digestTime: '10:30', createdBy: p.coachId('U1LEAD') });
  });

  test('digest on demand is for members; stop is for the owner and removes everything of the channel', async () => {
    const channel = p.channel(1);
    await p.say('U1LEAD', channel, 'digest here');
    const members = ['U1LEAD', 'U2PEER', 'U3PEER', 'U4PEER', 'U5PEER'];
    for (const user of members) {
      await p.say(user, channel, 'group join');
      await p.selfcheck(user, '4 4 4 4 4 4');
    }
    expect(await p.say('U9OUT', channel, 'digest')).toContain(
      'The digest is for members of this group. To join, type /selfcheck group join here',
    );
    expect(await p.say('U2PEER', channel, 'digest')).toContain('No digest has been published here yet');
    expect((await p.runDue(MONDAY_DIGEST)).get(channel)).toContain('most');
    expect(await p.say('U2PEER', channel, 'digest')).toContain('Often or Consistently');
    expect(await p.say('U9OUT', channel, 'digest')).not.toContain('Often or Consistently');

    expect(await p.say('U2PEER', channel, 'digest stop')).toContain('Only the coach who registered this channel');
    expect(groupOf(channel)).toBeDefined();

    const groupId = groupOf(channel)!.id;
    const rows = () =>
      ['group_members', 'group_digests', 'shared_reflections'].map(
        (table) =>
          (p.app.db.prepare(`SELECT count(*) AS n FROM ${table} WHERE group_id = ?`).get(groupId) as { n: number }).n,
      );
    expect(rows().slice(0, 2)).toEqual([5, 1]);
    expect(await p.say('U1LEAD', channel, 'digest stop')).toContain('is no longer a peer-supervision channel');
    expect(groupOf(channel)).toBeUndefined();
    expect(rows()).toEqual([0, 0, 0]);
    // Next Monday nothing is posted there, and "digest" says the channel is not one any more.
    expect((await p.runDue('2027-01-18T09:00:00Z')).has(channel)).toBe(false);
    expect(await p.say('U2PEER', channel, 'digest')).toContain('not a peer-supervision channel');
  });

  test('a channel whose registering coach deleted their data can only be changed by an admin', async () => {
    const channel = p.channel(1);
    await p.say('U1LEAD', channel, 'digest here');
    p.app.trellis.runCommand(
      { platform: p.name, tenant: groupOf(channel)!.tenant, user: p.name === 'teams' ? 'aad-U1LEAD' : 'U1LEAD' },
      'delete',
      'confirm',
    );
    expect(groupOf(channel)?.createdBy).toBeNull();
    expect(await p.say('U2PEER', channel, 'digest stop')).toContain(
      'has since deleted their data, so only an admin can change its schedule or stop it',
    );
    expect(groupOf(channel)).toBeDefined();
  });
});

describe('Slack: a digest still waiting to be retried is skipped once the channel is stopped', () => {
  test('the producer returns nothing for a removed channel, so nothing is posted', async () => {
    const p = await PLATFORMS[0][1](WEDNESDAY);
    try {
      const channel = p.channel(1);
      await p.say('U1LEAD', channel, 'digest here');
      p.failChannelPosts?.(channel, 100);
      expect((await p.runDue(MONDAY_DIGEST)).has(channel)).toBe(false);
      const pending = () =>
        p.app.db.prepare("SELECT status FROM deliveries WHERE kind = 'digest'").pluck().all() as string[];
      expect(pending()).toEqual(['pending']);
      expect(await p.say('U1LEAD', channel, 'digest stop')).toContain('is no longer a peer-supervision channel');
      p.failChannelPosts?.(channel, 0);
      expect((await p.runDue('2027-01-11T12:00:00Z')).has(channel)).toBe(false);
      expect(pending()).toEqual(['skipped']);
    } finally {
      await p.stop();
    }
  });
});
