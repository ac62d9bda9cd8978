import { BEHAVIOUR_KEYS, type BehaviourKey, behaviour } from './behaviours';
import type { GroupWeekTotals, SharedReflection } from './groups';
import { type Message, message } from './message';
import type { ChartData } from './ports';
import type { GroupQuestion } from './prompt-schema';
import { type PromptCatalog, promptById } from './prompts';
import { addDays } from './time';
import {
  type BehaviourTrend,
  chooseFocus,
  formatChange,
  formatMean,
  formatWeek,
  sparkline,
  weekNumber,
} from './trends';

/** The fewest contributors before a group number is shown, whatever the configuration says. */
export const MIN_GROUP_SIZE_FLOOR = 3;

/**
 * What the digest builder is given: aggregates over the group's members and the reflections they chose to share.
 * Nothing here can hold one coach's rating, note or unshared reflection, so nothing downstream can leak one.
 */
export interface DigestInput {
  groupName: string | null;
  /** Monday of the reported week. */
  reportWeek: string;
  /** Current members. */
  members: number;
  /** Per-week totals for the 8 weeks ending with the reported week (weeks without check-ins may be missing). */
  totals: readonly GroupWeekTotals[];
  shared: readonly SharedReflection[];
  minGroupSize: number;
  catalog: PromptCatalog;
}

/** One behaviour in the group view: numbers only when enough members contributed to them. */
export interface GroupBehaviour {
  key: BehaviourKey;
  /** False: fewer than the minimum rated it this week, so there is no number to show. */
  shown: boolean;
  mean: number | null;
  change: number | null;
  /** Weekly group means, oldest first; null where too few contributed. */
  series: (number | null)[];
}

export interface Digest {
  weekStart: string;
  groupName: string | null;
  members: number;
  checkedIn: number;
  minGroupSize: number;
  behaviours: GroupBehaviour[];
  focus: { key: BehaviourKey; reason: 'falling' | 'lowest' | 'rotation' };
  question?: GroupQuestion;
  shared: { text: string; behaviours: BehaviourKey[] }[];
}

function pooledMean(weeks: readonly GroupWeekTotals[], key: BehaviourKey): number | null {
  let sum = 0;
  let count = 0;
  for (const w of weeks) {
    sum += w.sums[key];
    count += w.counts[key];
  }
  return count ? sum / count : null;
}

/** The group's view of the reported week. */
export function buildDigest(input: DigestInput): Digest {
  const min = Math.max(MIN_GROUP_SIZE_FLOOR, input.minGroupSize);
  const week = weekNumber(input.reportWeek);
  const byWeek = new Map(input.totals.map((t) => [t.week, t]));
  const current = byWeek.get(week);
  const baseline = [1, 2, 3, 4].map((i) => byWeek.get(week - i)).filter((t): t is GroupWeekTotals => t !== undefined);
  const enough = (t: GroupWeekTotals | undefined, key: BehaviourKey) => t !== undefined && t.raters[key] >= min;

  const behaviours = BEHAVIOUR_KEYS.map((key): GroupBehaviour => {
    const shown = enough(current, key);
    const mean = shown ? pooledMean([current as GroupWeekTotals], key) : null;
    // The distinct raters over four weeks are at least the most in any one of them: if that reaches the minimum,
    // the pooled baseline cannot be one coach's numbers.
    const baselineShown = baseline.some((t) => enough(t, key));
    const before = baselineShown ? pooledMean(baseline, key) : null;
    const series = Array.from({ length: 8 }, (_, i) => {
      const t = byWeek.get(week - 7 + i);
      return enough(t, key) ? pooledMean([t as GroupWeekTotals], key) : null;
    });
    return { key, shown, mean, change: mean !== null && before !== null ? mean - before : null, series };
  });

  const asTrends = behaviours.map(
    (b): BehaviourTrend => ({
      key: b.key,
      thisWeek: b.mean,
      before: null,
      change: b.change,
      series: b.series,
      sparkline: sparkline(b.series),
    }),
  );
  const chosen = chooseFocus(asTrends);
  // Without numbers to go on, the focus takes turns through the six, week by week.
  const focus = chosen ?? { key: BEHAVIOUR_KEYS[((week % 6) + 6) % 6], reason: 'rotation' as const };
  const questions = input.catalog.groupQuestions.filter((q) => q.behaviours.includes(focus.key));
  const question = questions.length ? questions[Math.abs(week) % questions.length] : undefined;

  return {
    weekStart: input.reportWeek,
    groupName: input.groupName,
    members: input.members,
    checkedIn: current?.contributors ?? 0,
    minGroupSize: min,
    behaviours,
    focus,
    question,
    shared: input.shared.map((r) => ({
      text: r.text,
      behaviours: (r.promptId ? promptById(input.catalog, r.promptId)?.behaviours : undefined) ?? [],
    })),
  };
}

const NOT_ENOUGH = 'not enough check-ins to share anonymously';

/** Shared reflections shown in one digest; a channel message has room for about this many in full. */
export const MAX_SHARED_SHOWN = 10;
/** Longest line a platform shows whole (a Slack section holds 3,000 characters). */
const LINE_MAX = 2800;

/** A long text as lines no longer than LINE_MAX, broken between words, so no platform cuts it short. */
export function paragraphs(text: string): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > LINE_MAX) {
    const cut = rest.lastIndexOf(' ', LINE_MAX);
    const at = cut > LINE_MAX / 2 ? cut : LINE_MAX;
    out.push(rest.slice(0, at));
    rest = rest.slice(at).trimStart();
  }
  out.push(rest);
  return out;
}

/** The digest as a platform-neutral message for the group's channel. */
export function digestMessage(d: Digest): Message {
  const shownAny = d.behaviours.some((b) => b.shown);
  const lines = [`${d.members} member${d.members === 1 ? '' : 's'}; ${d.checkedIn} checked in during the week.`];
  if (!shownAny) {
    lines.push(
      `Fewer than ${d.minGroupSize} members rated the behaviours in the week: ${NOT_ENOUGH}. Group numbers come back once at least ${d.minGroupSize} members check in.`,
    );
  }
  const focusWhy =
    d.focus.reason === 'falling'
      ? 'falling fastest in the group'
      : d.focus.reason === 'lowest'
        ? 'the lowest group mean of the week'
        : "the week's turn in rotation";
  lines.push(`*Focus for the group: ${behaviour(d.focus.key).short}* (${focusWhy}). ${behaviour(d.focus.key).label}.`);
  if (d.question) lines.push(`*To discuss at your next meeting:* ${d.question.text}`);
  if (d.shared.length) {
    lines.push(`*Shared by members since the last digest* (${d.shared.length}, without names):`);
    for (const s of d.shared.slice(0, MAX_SHARED_SHOWN)) {
      const about = s.behaviours.length ? ` (on ${s.behaviours.map((k) => behaviour(k).short).join(' and ')})` : '';
      lines.push(...paragraphs(`“${s.text}”${about}`));
    }
    const more = d.shared.length - MAX_SHARED_SHOWN;
    if (more > 0) lines.push(`…and ${more} more; the digest shows the first ${MAX_SHARED_SHOWN}.`);
  } else {
    lines.push(
      'No reflections were shared since the last digest. To share one of yours, type /selfcheck share in your DM.',
    );
  }
  return message(lines, {
    title: `Peer-supervision digest${d.groupName ? ` for ${d.groupName}` : ''}: ${formatWeek(d.weekStart)}`,
    preformatted: shownAny
      ? [
          'Behaviour  group  change  last 8 weeks',
          ...d.behaviours.map((b) =>
            b.shown
              ? `${behaviour(b.key).short.padEnd(9)}  ${formatMean(b.mean).padStart(5)}  ${formatChange(b.change).padEnd(6)}  ${sparkline(b.series)}`
              : `${behaviour(b.key).short.padEnd(9)}  ${NOT_ENOUGH}`,
          ),
        ]
      : undefined,
    footer: `Group means on the 1–5 scale, each shown only when at least ${d.minGroupSize} members rated it. No one's own ratings, notes or reflections appear here unless they shared them.`,
  });
}

/** The group chart, or undefined when there is no group number to draw. */
export function digestChart(d: Digest): { data: ChartData; alt: string; filename: string } | undefined {
  if (!d.behaviours.some((b) => b.series.some((v) => v !== null))) return undefined;
  return {
    data: {
      title: `Group weekly means, 8 weeks to ${formatWeek(d.weekStart)}`,
      weekStarts: Array.from({ length: 8 }, (_, i) => addDays(d.weekStart, 7 * (i - 7))),
      series: d.behaviours.map((b) => ({ label: behaviour(b.key).short, values: b.series })),
    },
    alt: `Bar chart of the group's weekly means per behaviour over the 8 weeks to ${formatWeek(d.weekStart)}, only for weeks when enough members contributed.`,
    filename: `trellis-digest-${d.weekStart}.png`,
  };
}
