import { type ChannelPlatform, PLATFORMS } from '../../helpers/digest-channels';

/**
 * The attacks from the issue, each run against a 3-to-5 member channel with default settings, through the real
 * Slack app (signed requests) and the real Teams adapter (real activities), with the scheduler posting the digest.
 * Wednesday 6 January 2027: members check in during the week of 4–10 January; the digest (default Monday 09:00)
 * goes out on Monday 11 January about that closed week.
 */
const CHECK_IN_DAY = '2027-01-06T10:00:00Z';
const DIGEST_AT = '2027-01-11T09:00:00Z';
const FRIDAY_AFTER = '2027-01-15T10:00:00Z';

/** Ratings in behaviour order as typed after /selfcheck. */
const sheet = (...r: number[]) => r.join(' ');
/** Five members' distinct weeks. */
const FIVE = [
  sheet(5, 4, 2, 1, 3, 5),
  sheet(1, 2, 3, 4, 5, 1),
  sheet(4, 4, 4, 2, 2, 2),
  sheet(3, 5, 1, 5, 4, 3),
  sheet(2, 2, 2, 2, 2, 2),
];

describe.each(PLATFORMS)('%s: the digest resists a determined colleague', (_label, start) => {
  let p: ChannelPlatform;
  beforeEach(async () => {
    p = await start(CHECK_IN_DAY);
  });
  afterEach(() => p.stop());

  /** Registers channel `n` (its first member registers it), has everyone join and check in with their ratings. */
  async function channelWith(n: number, members: string[]) {
    const channel = p.channel(n);
    const users = members.map((_, i) => `U${n}M${i}`);
    p.clock.set(CHECK_IN_DAY);
    expect(await p.say(users[0], channel, 'digest here mon 09:00')).toContain('every Monday at 09:00');
    for (const [i, user] of users.entries()) {
      expect(await p.say(user, channel, 'group join')).toContain('You joined');
      expect(await p.selfcheck(user, members[i])).toContain('self-check is saved');
    }
    return { channel, users };
  }

  test('(a) 3 and 4 members: no per-behaviour figure; 5: whoever knows the other four cannot pin the fifth', async () => {
    const three = await channelWith(1, [sheet(5, 4, 2, 1, 3, 5), sheet(1, 1, 1, 1, 1, 1), sheet(5, 5, 5, 5, 5, 5)]);
    const four = await channelWith(2, [
      sheet(5, 4, 2, 1, 3, 5),
      sheet(1, 1, 1, 1, 1, 1),
      sheet(5, 5, 5, 5, 5, 5),
      sheet(2, 2, 3, 3, 4, 4),
    ]);
    // Five channels alike but for the target's ratings: what the others could see for each candidate 1..5.
    const known = FIVE.slice(0, 4);
    const candidates = [1, 2, 3, 4, 5];
    const fives = [];
    for (const c of candidates) fives.push(await channelWith(2 + c, [...known, sheet(c, c, c, c, c, c)]));

    const posted = await p.runDue(DIGEST_AT);
    for (const small of [three, four]) {
      const text = posted.get(small.channel) ?? '';
      // No mean, change, count of check-ins or band: nothing two members could subtract their own ratings from.
      expect(text).not.toMatch(/\d\.\d|[↑↓→]|\b\d checked in\b|\bof \d\b/);
      expect(text).toContain('Peer-supervision digest');
      expect(text).not.toContain('Often or Consistently  change');
      expect(text).toContain('fewer than 5 members checked in during the week, so there are no group figures');
    }
    const seen = fives.map((f) => posted.get(f.channel));
    expect(seen.every((text) => text?.includes('Peer-supervision digest'))).toBe(true);
    for (const [i, text] of seen.entries()) {
      const alike = candidates.filter((_, j) => seen[j] === text);
      // Every rating the target may have given leaves at least one other rating that reads exactly the same.
      expect({ candidate: candidates[i], alike: alike.length >= 2 }).toEqual({ candidate: candidates[i], alike: true });
    }
    expect(seen.every((text) => text?.includes('Often or Consistently'))).toBe(true);
  });

  test('(d) five members all rating 5 read exactly like four rating 5 and one rating 3', async () => {
    const all = [1, 2, 3, 4, 5].map(() => sheet(5, 5, 5, 5, 5, 5));
    const unanimous = await channelWith(1, all);
    const notQuite = await channelWith(2, [...all.slice(0, 4), sheet(3, 3, 3, 3, 3, 3)]);
    const posted = await p.runDue(DIGEST_AT);
    expect(posted.get(unanimous.channel)).toContain('Peer-supervision digest');
    expect(posted.get(unanimous.channel)).toBe(posted.get(notQuite.channel));
    expect(posted.get(unanimous.channel)).toContain('most');
  });

  test('(b) digest before and after a member checks in shows the same, last published week; never the open one', async () => {
    const { channel, users } = await channelWith(1, FIVE);
    const posted = (await p.runDue(DIGEST_AT)).get(channel);
    expect(posted).toContain('4–10 Jan 2027');

    p.clock.set(FRIDAY_AFTER);
    // Everyone in the open week checks in but one; then the last one does.
    for (const user of users.slice(0, 4)) await p.selfcheck(user, sheet(4, 4, 4, 4, 4, 4));
    const before = await p.say(users[1], channel, 'digest');
    expect(await p.selfcheck(users[4], sheet(5, 5, 5, 5, 5, 5))).toContain('self-check is saved');
    const after = await p.say(users[1], channel, 'digest');
    expect(after).toContain('Peer-supervision digest');
    expect(after).toBe(before);
    // The week shown is the one published, not the one still open.
    expect(after).toContain('4–10 Jan 2027');
    expect(after).not.toContain('11–17 Jan 2027');
  });

  test('(c) a member who joins and leaves again changes nothing shown', async () => {
    const { channel, users } = await channelWith(1, FIVE);
    await p.runDue(DIGEST_AT);
    p.clock.set(FRIDAY_AFTER);
    const before = await p.say(users[0], channel, 'digest');
    expect(await p.say('U9NEW', channel, 'group join')).toContain('You joined');
    await p.selfcheck('U9NEW', sheet(5, 5, 5, 5, 5, 5));
    expect(await p.say(users[0], channel, 'digest')).toBe(before);
    expect(await p.say('U9NEW', channel, 'group leave')).toContain('You left');
    expect(await p.say(users[3], channel, 'group leave')).toContain('You left');
    expect(await p.say(users[0], channel, 'digest')).toBe(before);
  });
});
