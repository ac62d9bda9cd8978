import { comparableVersions, mappedKey } from '../../src/core/compare';
import { type Message, toPlainText } from '../../src/core/message';
import type { CoachRef } from '../../src/core/model';
import { RUBRIC, type Rubric } from '../../src/core/rubric';
import {
  addBehaviourRatings,
  addMentorCoach,
  addRelation,
  addSession,
  coachIdOf,
  endRelation,
  mentorRates,
  share,
} from '../helpers/mentor-rows';
import { makeTrellis } from '../helpers/trellis';

/** Self beside mentor, the reading side, on a real database with a fixed clock (Tue 24 Nov 2026). */
const me: CoachRef = { platform: 'console', tenant: 'local', user: 'comparer' };
const ask = (t: ReturnType<typeof makeTrellis>, typed: string, channel?: 'group'): Message[] => {
  const reply = t.trellis.handleText(me, typed, channel ? { channel: { id: 'C1', kind: 'group' } } : {});
  if (reply.type !== 'messages') throw new Error(`expected messages, got ${reply.type}`);
  return reply.messages;
};
const text = (messages: Message[]) => messages.map(toPlainText).join('\n');

describe('compare: self beside mentor', () => {
  let t: ReturnType<typeof makeTrellis>;
  let coach: number;
  let mentor: number;
  let relation: number;
  beforeEach(() => {
    t = makeTrellis('2026-11-24T12:00:00Z');
    ask(t, 'help');
    coach = coachIdOf(t.db, 'comparer');
    mentor = addMentorCoach(t.db, { platform: 'console', tenant: 'local', user: 'mentor-ana', name: 'Ana' });
    relation = addRelation(t.db, coach, mentor);
  });
  afterEach(() => t.close());

  test('with no mentor rating yet, nothing to compare and a line saying how to get one', () => {
    const seen = text(ask(t, '/selfcheck compare'));
    expect(seen).toContain('No mentor has rated one of your sessions yet');
    expect(seen).toContain('/selfcheck mentor invite @name');
    expect(seen).toContain('share session N with mentor');
    expect(seen).not.toMatch(/Calibration gap|you rate yourself/);
  });

  test('per behaviour and marker: where the two agree, and where the coach rates themself higher or lower', () => {
    const s = addSession(t.db, coach, '2026-11-10', { markers: { '4.1': 'observed', '4.3': 'partly' } });
    share(t.db, s, relation);
    addBehaviourRatings(t.db, s, 'self', coach, { context: 4, respect: 3, empathy: 5 }, '2026-11-10T18:00:00Z');
    mentorRates(
      t.db,
      s,
      mentor,
      { context: 4, respect: 4, empathy: 3, openness: 2 },
      { '4.1': 'partly', '4.3': 'partly' },
      '2026-11-12T10:00:00Z',
    );
    const shown = ask(t, '/selfcheck compare');
    expect(shown.map((x) => x.title)).toEqual(['You and your mentor', 'Over time']);
    const [m, over] = shown;
    const fields = Object.fromEntries((m.fields ?? []).map((f) => [f.label, f.value]));
    expect(fields.Context).toBe('you 4 · mentor 4: you see it the same way');
    expect(fields.Respect).toBe('you 3 · mentor 4: you rate yourself lower by 1');
    expect(fields.Empathy).toBe('you 5 · mentor 3: you rate yourself higher by 2');
    expect(fields.Openness).toBe('you did not rate it · mentor 2');
    expect(fields['4.1 Talents and work']).toBe('you observed · mentor partly: you rate yourself higher');
    expect(fields['4.3 Expression welcomed']).toBe('you partly · mentor partly: you see it the same way');
    expect(fields.Talents).toBeUndefined();
    const seen = text(shown);
    expect(seen).toContain('1 session rated by a mentor. The latest: session');
    expect(seen).toContain('rated by your mentor (Ana)');
    expect(seen).toContain('Rubric 2025.1.');
    expect(seen).toContain('A gap is information, not a verdict');
    expect(seen).toContain('Your side: your own ratings of this session.');
    // (0 + 1 + 2) / 3 behaviours both rated.
    expect(seen).toContain('Calibration gap (how far apart');
    expect(seen).toContain('Nov 2026 1.0 (1 session)');
    expect(seen).toMatch(/Empathy\s+0\s+1\s+0/);
    expect(seen).toMatch(/Respect\s+0\s+0\s+1/);
    expect(seen).toMatch(/Marker 4\.1\s+0\s+1\s+0/);
    expect(seen).toContain('Only you see this comparison');
    // Never the client code in the comparison.
    expect(seen).not.toContain('C17');
    expect(m.chart).toBeUndefined();
    expect(over.chart?.calibration.points).toEqual([{ label: `S${s} 10 Nov`, self: 4, mentor: 3.67 }]);
    expect(over.chart?.alt).toContain('Line chart of your mean rating and your mentor');
  });

  test("without the coach's own ratings of the session, their latest self-check within 7 days stands in, labelled", () => {
    t.clock.set('2026-11-05T12:00:00Z');
    ask(t, '/selfcheck 2 2 2 2 2 2');
    t.clock.set('2026-11-07T12:00:00Z');
    ask(t, '/selfcheck 3 4 3 4 3 4');
    t.clock.set('2026-11-24T12:00:00Z');
    const near = addSession(t.db, coach, '2026-11-09');
    mentorRates(t.db, near, mentor, { context: 3, respect: 3 }, {}, '2026-11-12T10:00:00Z');
    const far = addSession(t.db, coach, '2026-11-20');
    mentorRates(t.db, far, mentor, { context: 3 }, {}, '2026-11-21T10:00:00Z');

    const comparisons = t.trellis.compare.comparisons(coach);
    expect(comparisons.map((c) => c.source)).toEqual([{ kind: 'selfcheck', date: '2026-11-07' }, { kind: 'none' }]);
    expect(comparisons[0].behaviours.map((g) => [g.key, g.gap])).toEqual([
      ['context', 0],
      ['respect', 1],
      ['talents', null],
      ['empathy', null],
      ['feelings', null],
      ['openness', null],
    ]);
    // The latest shown is the session with neither: only the mentor's view.
    expect(text(ask(t, '/selfcheck compare'))).toContain('you did not rate this session, nor check in in the 7 days');
    t.db.prepare('DELETE FROM client_sessions WHERE id = ?').run(far);
    expect(text(ask(t, '/selfcheck compare'))).toContain(
      'Your side: your self-check of Sat 7 Nov 2026, labelled as such',
    );
  });

  test('figures under rubric versions that cannot be compared are not set side by side', () => {
    const s = addSession(t.db, coach, '2026-11-10');
    addBehaviourRatings(t.db, s, 'self', coach, { context: 4 }, '2026-11-10T18:00:00Z');
    mentorRates(t.db, s, mentor, { context: 2 }, {}, '2026-11-12T10:00:00Z', '2027.1');
    const shown = ask(t, '/selfcheck compare');
    // Nothing to count over time: the one message, without a chart.
    expect(shown).toHaveLength(1);
    const [m] = shown;
    expect(m.fields?.find((f) => f.label === 'Context')?.value).toBe(
      'you 4 · mentor 2: not set side by side (different rubric versions)',
    );
    expect(toPlainText(m)).toContain('Rubric versions 2025.1, 2027.1');
    expect(toPlainText(m)).not.toContain('Calibration gap');
    expect(toPlainText(m)).toContain('Only you see this comparison');
    expect(m.chart).toBeUndefined();
  });

  test("a later rubric's mapping makes versions comparable, and re-keys its behaviours", () => {
    const later: Rubric = {
      ...RUBRIC,
      version: '2027.1',
      mapping: { from: RUBRIC.version, behaviours: { openness: 'feelings' }, markers: {} },
    };
    const rubrics = [RUBRIC, later];
    expect(comparableVersions('2027.1', '2025.1', rubrics)).toBe(true);
    expect(comparableVersions('2025.1', '2027.1', rubrics)).toBe(true);
    expect(comparableVersions('2027.1', '2025.1')).toBe(false);
    expect(comparableVersions('2026.9', '2025.1', rubrics)).toBe(false);
    expect(mappedKey('openness', '2027.1', '2025.1', 'behaviours', rubrics)).toBe('feelings');
    expect(mappedKey('context', '2027.1', '2025.1', 'behaviours', rubrics)).toBe('context');
  });

  test('the calibration gap over time: per month and per session, in words that invite a conversation', () => {
    const dates = ['2026-10-06', '2026-10-20', '2026-11-03'];
    const gaps = [2, 1, 0];
    for (const [i, date] of dates.entries()) {
      const s = addSession(t.db, coach, date);
      addBehaviourRatings(t.db, s, 'self', coach, { context: 5, respect: 5 }, `${date}T18:00:00Z`);
      mentorRates(t.db, s, mentor, { context: 5 - gaps[i], respect: 5 - gaps[i] }, {}, `${date}T20:00:00Z`);
    }
    const [, m] = ask(t, '/selfcheck compare');
    const seen = toPlainText(m);
    expect(seen).toContain('Oct 2026 1.5 (2 sessions) · Nov 2026 0.0 (1 session)');
    expect(seen).toMatch(/Per session: \d+ \(6 Oct\) 2\.0 · \d+ \(20 Oct\) 1\.0 · \d+ \(3 Nov\) 0\.0/);
    expect(seen).toContain('From 2.0 to 0.0: your view of your sessions and your mentor');
    expect(m.chart?.calibration.points.map((p) => [p.self, p.mentor])).toEqual([
      [5, 3],
      [5, 4],
      [5, 5],
    ]);
    expect(m.chart?.alt).toContain('3 sessions from Tue 6 Oct 2026 to Tue 3 Nov 2026; the gap went from 2.0 to 0.0');
  });

  test('only in the DM: typed in a channel, nothing of the comparison is shown', () => {
    const s = addSession(t.db, coach, '2026-11-10');
    mentorRates(t.db, s, mentor, { context: 2 }, {}, '2026-11-12T10:00:00Z');
    const seen = text(ask(t, '/selfcheck compare', 'group'));
    expect(seen).toBe(
      'Your comparison with your mentor opens only in our direct messages, so nothing of it is shown here.',
    );
  });

  test('a mentor sees only sessions shared with them, while the relation is active, and no code or evidence', () => {
    const sharedSession = addSession(t.db, coach, '2026-11-10', {
      clientCode: 'Jane D',
      markers: { '4.2': 'observed' },
      evidence: 'I said: take your time',
    });
    addBehaviourRatings(t.db, sharedSession, 'self', coach, { empathy: 4 }, '2026-11-10T18:00:00Z');
    share(t.db, sharedSession, relation);
    addSession(t.db, coach, '2026-11-11');
    const other = addMentorCoach(t.db, { platform: 'console', tenant: 'local', user: 'mentor-bo' });
    mentorRates(t.db, sharedSession, other, { empathy: 1 }, {}, '2026-11-12T10:00:00Z');
    mentorRates(t.db, sharedSession, mentor, { empathy: 3 }, { '4.2': 'partly' }, '2026-11-12T11:00:00Z');

    const view = t.trellis.compare.mentorView(mentor);
    expect(view.map((v) => v.sessionId)).toEqual([sharedSession]);
    expect(view[0].self.behaviours).toEqual({ empathy: 4 });
    expect(view[0].self.markers).toEqual({ '4.2': 'observed' });
    // Their own rating only, not another mentor's.
    expect(view[0].mentor.behaviours).toEqual({ empathy: 3 });
    const json = JSON.stringify(view);
    expect(json).not.toContain('Jane');
    expect(json).not.toContain('take your time');
    expect(t.trellis.compare.mentorView(mentor, coach)).toHaveLength(1);
    expect(t.trellis.compare.mentorView(other)).toEqual([]);
    expect(t.trellis.compare.mentorView(mentor, other)).toEqual([]);

    endRelation(t.db, relation);
    expect(t.trellis.compare.mentorView(mentor)).toEqual([]);
    // The coach keeps their comparison: the mentor's ratings are the coach's record.
    expect(t.trellis.compare.comparisons(coach)).toHaveLength(2);
  });

  test('the weekly summary has one line on the latest mentor rating of that week, and none otherwise', async () => {
    ask(t, '/selfcheck 4 4 4 4 4 4');
    t.clock.set('2026-11-18T12:00:00Z');
    ask(t, '/selfcheck 4 4 4 4 4 4');
    t.clock.set('2026-11-24T12:00:00Z');
    const s = addSession(t.db, coach, '2026-11-16');
    addBehaviourRatings(t.db, s, 'self', coach, { context: 4, respect: 4 }, '2026-11-16T18:00:00Z');
    mentorRates(t.db, s, mentor, { context: 4, respect: 2 }, {}, '2026-11-23T10:00:00Z');
    // Rated on Monday 23 Nov, after the reported week (16–22 Nov): no line yet.
    expect(text(ask(t, 'summary'))).not.toContain("Your mentor's view");
    t.db
      .prepare("UPDATE session_behaviour_ratings SET rated_at = '2026-11-19T10:00:00.000Z' WHERE rater = 'mentor'")
      .run();
    const line = `Your mentor's view: Your mentor (Ana) rated session ${s} (Mon 16 Nov 2026): you see 1 of 2 behaviours the same way; calibration gap 1.0. See it side by side: /selfcheck compare`;
    expect(text(ask(t, 'summary'))).toContain(line);
    const weekly = await t.trellis.weeklySummaryFor(coach, t.clock.now());
    expect(toPlainText(weekly as Message)).toContain(line);
  });

  test('drawCharts turns a comparison into an image when a renderer is there, and leaves text alone without one', async () => {
    const s = addSession(t.db, coach, '2026-11-10');
    addBehaviourRatings(t.db, s, 'self', coach, { context: 4 }, '2026-11-10T18:00:00Z');
    mentorRates(t.db, s, mentor, { context: 3 }, {}, '2026-11-12T10:00:00Z');
    const messages = ask(t, '/selfcheck compare');
    expect(messages[1].chart).toBeDefined();
    const [, plain] = await t.trellis.compare.drawCharts(messages);
    expect(plain.chart).toBeUndefined();
    expect(plain.image).toBeUndefined();
    expect(plain.lines).toEqual(messages[1].lines);
  });
});
