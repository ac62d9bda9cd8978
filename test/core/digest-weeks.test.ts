import { type Message, toPlainText } from '../../src/core/message';
import type { Reply } from '../../src/core/trellis';
import { addCheck, addReflection, inChannel, makeWeeklyTrellis, ratings, slackRef } from '../helpers/weekly';

/** Attacks on which week a digest reports and what it counts, through the core's delivery seam and commands. */
const CHANNEL = 'C0PEERS';
const here = inChannel(CHANNEL, 'peers');
const MEMBERS = ['U1', 'U2', 'U3', 'U4', 'U5'];

function shown(reply: Reply | Message | undefined): string {
  if (!reply) return '';
  if ('type' in reply) return reply.type === 'messages' ? reply.messages.map(toPlainText).join('\n') : '';
  return toPlainText(reply);
}

/** Five members of a Monday 09:00 (UTC) channel; those `checkingIn` checked in on Tuesday 5 January 2027. */
function group(checkingIn = MEMBERS) {
  const t = makeWeeklyTrellis('2027-01-06T10:00:00Z', { charts: false });
  t.trellis.handleText(slackRef('U1'), 'digest here', here);
  const coaches = MEMBERS.map((user) => {
    t.trellis.handleText(slackRef(user), 'group join', here);
    return t.trellis.coach(slackRef(user));
  });
  for (const coach of coaches.filter((c) => checkingIn.includes(c.user))) {
    addCheck(t.repos, coach, '2027-01-05', ratings(4));
  }
  const g = t.repos.groups.find('slack', 'T1', CHANNEL)!;
  /** `user` shares a new reflection at `at`, through the Share button's command. */
  const share = (user: string, at: string, words: string) => {
    t.clock.set(at);
    const reflection = addReflection(t.repos, t.trellis.coach(slackRef(user)), at.slice(0, 10), words);
    expect(shown(t.trellis.handleText(slackRef(user), `share confirm ${reflection.id}`, here))).toContain(
      'Shared with',
    );
  };
  const digestAt = async (at: string) => shown(await t.trellis.digestFor(g.id, new Date(at)));
  return { t, g, share, digestAt };
}

describe('one digest per closed week, each shared reflection in exactly one', () => {
  test('the owner moving the schedule mid-week sends no second digest about the same week', async () => {
    const { t, share, digestAt } = group();
    try {
      share('U2', '2027-01-07T10:00:00Z', 'First shared words.');
      const monday = await digestAt('2027-01-11T09:00:00Z');
      expect(monday).toContain('First shared words.');

      t.clock.set('2027-01-11T12:00:00Z');
      expect(shown(t.trellis.handleText(slackRef('U1'), 'digest here tue 10:00', here))).toContain('every Tuesday');
      share('U3', '2027-01-11T13:00:00Z', 'Second shared words.');
      // Tuesday's delivery reports the week Monday's already published: skipped, nothing about it twice.
      expect(await digestAt('2027-01-12T10:00:00Z')).toBe('');
      // A retry of Monday's own delivery still builds the digest it posted.
      expect(await digestAt('2027-01-11T09:00:00Z')).toBe(monday);
      // On demand: the digest as posted, without what was shared since.
      t.clock.set('2027-01-13T10:00:00Z');
      const onDemand = shown(t.trellis.handleText(slackRef('U4'), 'digest', here));
      expect(onDemand).toContain('First shared words.');
      expect(onDemand).not.toContain('Second shared words.');

      // The next week's digest, on the new day, carries what was shared since the last one, and only that.
      const next = await digestAt('2027-01-19T10:00:00Z');
      expect(next).toContain('Second shared words.');
      expect(next).not.toContain('First shared words.');
    } finally {
      t.close();
    }
  });

  test('a member further west checking in on their Sunday evening, after the week closed, counts for nothing', async () => {
    const { t, digestAt } = group(MEMBERS.slice(0, 4));
    try {
      // U5's only check-in, dated Sunday 10 January in Los Angeles: made at 20:00 there, after the group's week closed.
      t.repos.selfChecks.add({
        coachId: t.trellis.coach(slackRef('U5')).id,
        checkedAt: '2027-01-11T04:00:00.000Z',
        localDate: '2027-01-10',
        ratings: ratings(4),
        note: null,
      });
      expect(await digestAt('2027-01-11T09:00:00Z')).toContain('fewer than 5 members checked in during the week');
    } finally {
      t.close();
    }
  });
});

describe('the group command shows no live member count', () => {
  test('joining and leaving moves nothing a member can read until the next digest', () => {
    const { t } = group();
    try {
      const before = shown(t.trellis.handleText(slackRef('U2'), 'group', here));
      expect(before).toContain('The first digest will say how many members the group had');
      t.trellis.handleText(slackRef('U6'), 'group join', here);
      t.trellis.handleText(slackRef('U3'), 'group leave', here);
      expect(shown(t.trellis.handleText(slackRef('U2'), 'group', here))).toBe(before);
      expect(before).not.toMatch(/\d+ members/);
    } finally {
      t.close();
    }
  });
});
