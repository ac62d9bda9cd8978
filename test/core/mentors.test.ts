import type { Message } from '../../src/core/message';
import { toPlainText } from '../../src/core/message';
import type { CoachRef } from '../../src/core/model';
import type { Reply } from '../../src/core/trellis';
import { eventOfSlot } from '../../src/store/mentors';
import { makeTrellis } from '../helpers/trellis';

/**
 * The mentor's side of issue #15 on the real core and store: invite → accept → share → the mentor rates → the coach
 * is told; the refusals; the end of a relation; mentor coaching logged by both sides counted once; export and delete.
 */
const ada: CoachRef = { platform: 'slack', tenant: 'T1', user: 'UADA' };
const bea: CoachRef = { platform: 'slack', tenant: 'T1', user: 'UBEA' };
const cy: CoachRef = { platform: 'slack', tenant: 'T1', user: 'UCY' };

const words = (reply: Reply) => (reply.type === 'messages' ? reply.messages.map(toPlainText).join('\n') : reply.type);

describe('mentor coaching (core)', () => {
  let t: ReturnType<typeof makeTrellis>;
  const say = (ref: CoachRef, text: string) =>
    words(t.trellis.handleText(ref, text, { displayName: ref.user.slice(1) }));
  /** The mentor DMs in the outbox for a coach, built as the producer builds them at send time. */
  const inbox = (ref: CoachRef): Message[] => {
    const coach = t.trellis.coach(ref);
    const rows = t.db
      .prepare<[number], { local_date: string }>(
        "SELECT local_date FROM deliveries WHERE coach_id = ? AND kind = 'mentor' ORDER BY id",
      )
      .all(coach.id);
    return rows
      .map((r) => t.trellis.mentors.notice(coach, eventOfSlot(r.local_date) ?? ''))
      .filter((m): m is Message => m !== undefined);
  };
  const sessionOf = (text: string) => Number(/Session (\d+) logged/.exec(text)?.[1]);

  beforeEach(() => {
    t = makeTrellis('2026-11-24T09:00:00Z');
  });
  afterEach(() => t.close());

  test('invite → accept → share → self-rate → mentor rates → the coach is told; all audited by ids', () => {
    say(bea, 'help');
    expect(say(ada, 'mentor invite <@UBEA|bea>')).toContain('Invitation sent');
    const invite = inbox(bea);
    expect(invite).toHaveLength(1);
    const text = toPlainText(invite[0]);
    expect(text).toContain('ADA asks you to be their mentor coach');
    expect(text).toContain('never client codes, evidence lines, notes or reflections');
    expect(text).toContain('mentor stop');
    expect(invite[0].buttons?.map((b) => b.action)).toEqual(['mentor_accept', 'mentor_decline']);

    expect(say(bea, 'mentor accept')).toContain("You are now ADA's mentor coach");
    expect(toPlainText(inbox(ada)[0])).toContain('BEA accepted');

    const id = sessionOf(say(ada, '/selfcheck session 60 paid C17 4.1:yes'));
    const shared = say(ada, `share session ${id} with mentor`);
    expect(shared).toContain(`Session ${id}`);
    expect(shared).toContain(`rate session ${id}`);
    const toRate = toPlainText(inbox(bea).at(-1) as Message);
    expect(toRate).toContain(`session ${id}, 2026-11-24 · 60 min · individual`);
    expect(toRate).not.toContain('C17');
    expect(say(bea, 'mentor sessions')).toContain(`Session ${id} of ADA: 2026-11-24 · 60 min · individual`);

    expect(say(ada, `rate session ${id} 4 4 5 3 - 4`)).toContain('Context 4');
    const rated = say(bea, `mentor rate ${id} 3 4 4 3 2 4 4.1:yes 4.3:partly Lovely silence after the question.`);
    expect(rated).toContain('Rating saved');
    expect(rated).toContain('Markers: 4.1 observed · 4.3 partly');
    const told = toPlainText(inbox(ada).at(-1) as Message);
    expect(told).toContain(`BEA rated session ${id}`);
    expect(told).toContain('Context 3');
    expect(told).toContain('Lovely silence after the question.');
    expect(say(bea, 'mentor sessions')).toContain('(rated)');

    const audits = t.repos.privacy.auditFor(t.trellis.coach(ada).id).filter((a) => a.action === 'share');
    expect(audits.map((a) => a.actor)).toEqual(['coach', 'mentor']);
    expect(JSON.stringify(audits)).not.toMatch(/C17|silence/);
    // The comment is stored sealed (plain here: no key), never in the log.
    expect(t.logLines.join('\n')).not.toContain('silence');
  });

  test('refusals say what to fix and store nothing', () => {
    say(bea, 'help');
    expect(say(ada, 'mentor invite <@UADA>')).toContain('cannot be your own mentor');
    expect(say(ada, 'mentor invite bea')).toContain('Mention the person');
    expect(say(ada, 'mentor invite nobody@example.com')).toContain('No coach with that email');
    expect(say(ada, 'mentor invite <@UBEA>')).toContain('Invitation sent');
    expect(say(ada, 'mentor invite <@UCY>')).toContain('You already invited BEA');
    // Withdrawn, then accepted: refused, nothing changes.
    expect(say(ada, 'mentor stop')).toContain('Invitation withdrawn');
    expect(say(bea, 'mentor accept 1')).toContain('withdrew that invitation');
    expect(inbox(bea)).toHaveLength(1); // the invitation is no longer built; only the withdrawal is told
    expect(toPlainText(inbox(bea)[0])).toContain('withdrew their invitation');
    // A session not shared cannot be rated; nothing is stored.
    const id = sessionOf(say(ada, '/selfcheck session 60 paid C1'));
    expect(say(bea, `mentor rate ${id} 3 3 3 3 3 3`)).toContain('not shared with you');
    expect(say(ada, `share session ${id}`)).toContain('no mentor coach to share with');
    const count = t.db.prepare('SELECT count(*) AS n FROM session_behaviour_ratings').get() as { n: number };
    expect(count.n).toBe(0);
    expect(say(bea, 'mentor rate 1 3 3')).toContain('Give all six ratings');
  });

  test('stop by either side ends access, and the other side is told', () => {
    say(bea, 'help');
    say(ada, 'mentor invite <@UBEA>');
    say(bea, 'mentor accept');
    const id = sessionOf(say(ada, '/selfcheck session 45 probono K2'));
    say(ada, `share session ${id}`);
    expect(say(bea, 'mentor stop')).toContain('Mentoring of ADA ended');
    expect(toPlainText(inbox(ada).at(-1) as Message)).toContain('BEA ended the mentoring');
    expect(say(bea, 'mentor sessions')).toContain('No session is shared with you');
    expect(say(bea, `mentor rate ${id} 3 3 3 3 3 3`)).toContain('has ended');
    // The share's DM, not yet sent when the relation ended, is no longer built.
    expect(inbox(bea).map(toPlainText).join('\n')).not.toContain('A session to rate');
  });

  test('mentor coaching logged by both sides of a relation counts once', () => {
    say(bea, 'help');
    say(ada, 'mentor invite <@UBEA>');
    say(bea, 'mentor accept');
    expect(say(bea, '/selfcheck mentoring 60 1:1 for <@UADA>')).toContain('Mentor coaching logged for ADA');
    expect(say(ada, '/selfcheck mentoring 60 1:1')).toContain('counted once');
    expect(say(ada, '/selfcheck mentoring 90 group 4')).toContain('90 min · group of 4');
    expect(say(bea, '/selfcheck mentoring 90 group 4 for <@UADA>')).toContain('already logged this meeting');
    expect(say(ada, '/selfcheck log')).toMatch(/Mentor coaching\s+2\.5 h of 10 h/);
    expect(say(cy, '/selfcheck mentoring 60 1:1 for <@UADA>')).toContain('only while you are their mentor');
  });

  test('export holds relations, shares and both ratings; delete removes them, the coach deleting or the mentor', () => {
    say(bea, 'help');
    say(ada, 'mentor invite <@UBEA>');
    say(bea, 'mentor accept');
    const id = sessionOf(say(ada, '/selfcheck session 60 paid C9'));
    say(ada, `share session ${id}`);
    say(ada, `rate session ${id} 4 4 4 4 4 4`);
    say(bea, `mentor rate ${id} 3 3 3 3 3 3 4.2:no Try a longer pause.`);
    const data = t.repos.privacy.coachData(t.trellis.coach(ada).id)?.mentorCoaching;
    expect(data?.relations).toHaveLength(1);
    expect(data?.shares).toHaveLength(1);
    expect(data?.selfBehaviourRatings).toHaveLength(6);
    expect(data?.mentorReviews[0]).toMatchObject({ comment: 'Try a longer pause.', markers: [{ marker: '4.2' }] });
    expect(t.repos.privacy.coachData(t.trellis.coach(bea).id)?.mentorCoaching?.givenAsMentor).toEqual([
      { sessionId: id, ratedAt: expect.any(String) },
    ]);
    const rows = (table: string) => (t.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    // The mentor deletes: the relation, the share and their ratings go; the coach's own ratings stay.
    say(bea, 'delete confirm');
    expect([rows('mentor_relations'), rows('session_shares'), rows('session_comments')]).toEqual([0, 0, 0]);
    expect(rows('session_behaviour_ratings')).toBe(6);
    expect(rows("session_marker_ratings WHERE rater = 'mentor'")).toBe(0);
    // A new mentor, and the coach deletes: everything goes.
    say(cy, 'help');
    say(ada, 'mentor invite <@UCY>');
    say(cy, 'mentor accept');
    say(ada, `share session ${id}`);
    say(cy, `mentor rate ${id} 2 2 2 2 2 2 Noted.`);
    say(ada, 'delete confirm');
    expect([
      rows('mentor_relations'),
      rows('session_shares'),
      rows('session_behaviour_ratings'),
      rows('session_comments'),
    ]).toEqual([0, 0, 0, 0]);
  });
});
