import { BEHAVIOUR_KEYS, type BehaviourKey, behaviour } from './behaviours';
import { type Comparison, type Gap, gapByMonth, tally } from './compare';
import { formatDate } from './dates';
import { type Field, type Message, message } from './message';
import type { CalibrationChartData } from './ports';
import { MARKER_IDS, type MarkerId, marker } from './rubric';

/**
 * The words of `/selfcheck compare`, as a mentor coach would put them: a gap between the coach's view of a session
 * and the mentor's is something to be curious about together, not a verdict on either.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const monthName = (month: string) => `${MONTHS[Number(month.slice(5, 7)) - 1]} ${month.slice(0, 4)}`;
const shortDate = (date: string) => `${Number(date.slice(8, 10))} ${MONTHS[Number(date.slice(5, 7)) - 1]}`;
const fixed = (n: number) => n.toFixed(1);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** What the coach sees when no mentor has rated a session yet: how to get a comparison. */
export const NO_MENTOR_RATING = message(
  [
    'No mentor has rated one of your sessions yet, so there is nothing to set beside your own view.',
    'To get one: invite a mentor coach with "/selfcheck mentor invite @name", log a session with "/selfcheck session", then "share session N with mentor" (N is the number Trellis gives the session). Once they rate it, their view shows here beside yours.',
  ],
  { title: 'You and your mentor' },
);

export const COMPARE_DM_ONLY =
  'Your comparison with your mentor opens only in our direct messages, so nothing of it is shown here.';

const OBSERVATION_WORD = ['not observed', 'partly', 'observed'];

function whoRated(c: Comparison): string {
  return c.mentorName ? `your mentor (${c.mentorName})` : 'your mentor';
}

/** One behaviour or marker of one session, in words. */
function gapWords(g: Gap<string>, show: (v: number) => string, steps: 'points' | 'none'): string {
  const you = g.self === null ? 'you did not rate it' : `you ${show(g.self)}`;
  const them = g.mentor === null ? 'your mentor did not rate it' : `mentor ${show(g.mentor)}`;
  if (g.versionsDiffer) return `${you} · ${them}: not set side by side (different rubric versions)`;
  if (g.gap === null) return `${you} · ${them}`;
  if (g.gap === 0) return `${you} · ${them}: you see it the same way`;
  const by = Math.abs(g.gap);
  const amount = steps === 'points' ? ` by ${by}` : '';
  return g.gap > 0
    ? `${you} · ${them}: you rate yourself higher${amount}`
    : `${you} · ${them}: you rate yourself lower${amount}`;
}

function sourceLine(c: Comparison): string {
  if (c.source.kind === 'selfcheck') {
    return `Your side: your self-check of ${formatDate(c.source.date)}, labelled as such: you did not rate this session's behaviours, and a self-check looks at your recent sessions, not this one alone.`;
  }
  if (c.source.kind === 'none')
    return "Your side: you did not rate this session, nor check in in the 7 days before it; only your mentor's view shows.";
  return 'Your side: your own ratings of this session.';
}

function versionLine(list: readonly Comparison[]): string {
  const versions = new Set<string>();
  for (const c of list) {
    for (const v of [
      c.behaviourVersions.self,
      c.behaviourVersions.mentor,
      c.markerVersions.self,
      c.markerVersions.mentor,
    ])
      if (v) versions.add(v);
  }
  const sorted = [...versions].sort();
  if (sorted.length <= 1) return `Rubric ${sorted[0] ?? 'not recorded'}.`;
  return `Rubric versions ${sorted.join(', ')}: figures under versions that cannot be compared are shown apart, not set side by side.`;
}

/** The latest session's behaviours and markers, side by side. */
function sessionFields(c: Comparison): Field[] {
  const fields: Field[] = c.behaviours.map((g) => ({
    label: behaviour(g.key).short,
    value: gapWords(g, String, 'points'),
  }));
  for (const g of c.markers) {
    fields.push({
      label: `${g.key} ${marker(g.key).short}`,
      value: gapWords(g, (v) => OBSERVATION_WORD[v], 'none'),
    });
  }
  return fields;
}

/** Across every rated session: per behaviour and marker, how often the two agree or the coach rates higher or lower. */
function tallyTable(list: readonly Comparison[]): string[] {
  const rows = [
    ...tally(
      BEHAVIOUR_KEYS,
      list.map((c) => c.behaviours),
    ).map((t) => ({ ...t, name: behaviour(t.key as BehaviourKey).short })),
    ...tally(
      MARKER_IDS,
      list.map((c) => c.markers),
    ).map((t) => ({ ...t, name: `Marker ${t.key as MarkerId}` })),
  ].filter((t) => t.agree + t.higher + t.lower > 0);
  if (rows.length === 0) return [];
  return [
    'Across your rated sessions   same  you higher  you lower',
    ...rows.map(
      (t) =>
        `${t.name.padEnd(27)}  ${String(t.agree).padStart(4)}  ${String(t.higher).padStart(10)}  ${String(t.lower).padStart(9)}`,
    ),
  ];
}

/** The calibration gap over time: per month, and per session when there are a few. */
export function calibrationLines(list: readonly Comparison[]): string[] {
  const months = gapByMonth(list);
  if (months.length === 0) return [];
  const lines = [
    `*Calibration gap* (how far apart your rating and your mentor's are, on average per behaviour; 0 is the same view): ${months
      .map((m) => `${monthName(m.month)} ${fixed(m.gap)} (${plural(m.sessions, 'session')})`)
      .join(' · ')}.`,
  ];
  const sessions = list.filter((c) => c.meanGap !== null);
  if (sessions.length > 1) {
    lines.push(
      `Per session: ${sessions
        .slice(-8)
        .map((c) => `${c.sessionId} (${shortDate(c.date)}) ${fixed(c.meanGap as number)}`)
        .join(' · ')}.`,
    );
    const first = sessions[0].meanGap as number;
    const last = sessions[sessions.length - 1].meanGap as number;
    if (last < first)
      lines.push(
        `From ${fixed(first)} to ${fixed(last)}: your view of your sessions and your mentor's have come closer.`,
      );
    else if (last > first)
      lines.push(
        `From ${fixed(first)} to ${fixed(last)}: further apart lately, which is worth asking your mentor about: what did they notice that you did not, or the other way round?`,
      );
  }
  return lines;
}

/** The chart beside the text: per rated session, the coach's mean and the mentor's. */
export function calibrationChart(list: readonly Comparison[]): Message['chart'] {
  const drawn = list.filter((c) => c.selfMean !== null && c.mentorMean !== null).slice(-12);
  if (drawn.length === 0) return undefined;
  const data: CalibrationChartData = {
    title: 'You and your mentor, per rated session',
    points: drawn.map((c, i) => ({
      // The session number keeps labels unique when a session was rated by two mentors.
      label: `S${c.sessionId}${drawn.findIndex((d) => d.sessionId === c.sessionId) === i ? '' : `·${i}`} ${shortDate(c.date)}`,
      self: c.selfMean,
      mentor: c.mentorMean,
    })),
  };
  const first = drawn[0];
  const last = drawn[drawn.length - 1];
  const span =
    drawn.length === 1
      ? `session ${first.sessionId} on ${formatDate(first.date)}: you ${fixed(first.selfMean as number)}, mentor ${fixed(first.mentorMean as number)}`
      : `${drawn.length} sessions from ${formatDate(first.date)} to ${formatDate(last.date)}; the gap went from ${fixed(first.meanGap as number)} to ${fixed(last.meanGap as number)}`;
  return {
    calibration: data,
    alt: `Line chart of your mean rating and your mentor's (1–5) for ${span}. The text has the same numbers.`,
    filename: `trellis-compare-${last.date}.png`,
  };
}

const PRIVATE_FOOTER =
  'Only you see this comparison. Your mentor sees only the sessions you share with them, never your notes, reflections or client codes.';

/**
 * `/selfcheck compare`: first the latest rated session side by side, then (when there is a pair to count) the tally
 * over every rated session and the calibration gap over time, with the chart.
 */
export function compareMessages(list: readonly Comparison[]): Message[] {
  if (list.length === 0) return [NO_MENTOR_RATING];
  const latest = list[list.length - 1];
  const sessions = new Set(list.map((c) => c.sessionId)).size;
  const mentors = new Set(list.map((c) => c.mentorCoachId)).size;
  const by = mentors > 1 ? `${mentors} mentors` : 'a mentor';
  const first = message(
    [
      `${plural(sessions, 'session')} rated by ${by}. The latest: session ${latest.sessionId} on ${formatDate(latest.date)}, rated by ${whoRated(latest)}. ${versionLine(list)}`,
      'A gap is information, not a verdict: where you and your mentor see a moment differently is often the most useful thing to talk through with them.',
      `*Session ${latest.sessionId}, side by side.* ${sourceLine(latest)}`,
    ],
    { title: 'You and your mentor', fields: sessionFields(latest) },
  );
  const overTime = calibrationLines(list);
  const table = tallyTable(list);
  if (overTime.length === 0 && table.length === 0) return [{ ...first, footer: PRIVATE_FOOTER }];
  const second = message(overTime.length ? overTime : [`Across ${plural(sessions, 'rated session')}:`], {
    title: 'Over time',
    preformatted: table,
    chart: calibrationChart(list),
    footer: PRIVATE_FOOTER,
  });
  return [first, second];
}

/** The weekly summary's line on the latest mentor rating that week. */
export function weeklyMentorLine(c: Comparison): string {
  const agree = c.behaviours.filter((g) => g.gap === 0).length;
  const paired = c.behaviours.filter((g) => g.gap !== null).length;
  const gap =
    paired > 0
      ? `you see ${agree} of ${plural(paired, 'behaviour')} the same way; calibration gap ${fixed(c.meanGap as number)}`
      : 'their view is there beside yours';
  return `*Your mentor's view:* ${whoRated(c).replace(/^your/, 'Your')} rated session ${c.sessionId} (${formatDate(c.date)}): ${gap}. See it side by side: /selfcheck compare`;
}
