import { type BehaviourKey, behaviour } from './behaviours';
import { formatDate } from './dates';
import { type Message, message } from './message';
import type { Coach, Level } from './model';
import type { ChartData } from './ports';
import type { Prompt, Tip } from './prompt-schema';
import { type PromptCatalog, promptForBehaviour, tipFor } from './prompts';
import { addDays } from './time';
import {
  chooseFocus,
  type Focus,
  formatChange,
  formatMean,
  formatWeek,
  mostImproved,
  type Trend,
  trendFromTotals,
  type WeekTotals,
  weekNumber,
} from './trends';

/** What a coach's weekly summary says, before it is worded. */
export interface WeeklySummary {
  /** A summary with numbers, or a short nudge when the coach did not check in that week. */
  kind: 'summary' | 'nudge';
  coachId: number;
  level: Level | null;
  /** Whether the reported week is the one holding the coach's today (else it is last week). */
  current: boolean;
  trend: Trend;
  checkIns: number;
  reflections: number;
  /** Weeks in a row with a self-check or a reflection, up to now (countStreak: the same figure as `trend`). */
  streak: number;
  /** The coach's first summary: the week they joined. */
  first: boolean;
  /** The coach's local date the summary was made on (a summary of the current week runs to it). */
  today: string;
  focus?: Focus & { tip?: Tip; prompt?: Prompt };
  improved?: { key: BehaviourKey; change: number };
  /** The latest mentor rating given that week, in words (compare-message.ts), when there is one. */
  mentorLine?: string;
}

export interface SummaryInput {
  coach: Coach;
  /** The coach's local date when the summary goes out. */
  today: string;
  /** Monday of the reported week (see reportWeekStart). */
  reportWeek: string;
  /** Per-week totals covering at least the 8 weeks that end with the reported week. */
  totals: readonly WeekTotals[];
  reflections: number;
  streak: number;
  first: boolean;
  catalog: PromptCatalog;
}

export function isPaused(coach: Coach, today: string): boolean {
  return coach.settings.pausedUntil !== null && coach.settings.pausedUntil >= today;
}

/** tipFor, with each behaviour's tips picked out of the catalogue once (a weekly run asks thousands of times). */
const tipsCache = new WeakMap<PromptCatalog, Map<BehaviourKey, PromptCatalog>>();
function tipForWeek(catalog: PromptCatalog, key: BehaviourKey, week: number): Tip | undefined {
  let byKey = tipsCache.get(catalog);
  if (!byKey) {
    byKey = new Map();
    tipsCache.set(catalog, byKey);
  }
  let only = byKey.get(key);
  if (!only) {
    // A catalogue of this behaviour's tips alone: tipFor picks from it exactly as from the whole catalogue.
    only = {
      ...catalog,
      prompts: [],
      groupQuestions: [],
      tips: catalog.tips.filter((t) => t.behaviours.includes(key)),
    };
    byKey.set(key, only);
  }
  return tipFor(only, key, week);
}

/** The weekly summary for one coach, or undefined when they paused (a paused coach gets nothing). */
export function buildWeeklySummary(input: SummaryInput): WeeklySummary | undefined {
  if (isPaused(input.coach, input.today)) return undefined;
  return summaryFromTrend(input, trendFromTotals(input.totals, input.reportWeek));
}

/** The weekly summary of a coach who is not paused, from the trend of the reported week (a weekly run's path). */
export function summaryFromTrend(input: Omit<SummaryInput, 'totals'>, trend: Trend): WeeklySummary {
  const { coach, catalog } = input;
  const week = weekNumber(input.reportWeek);
  // Literal objects with the same fields in the same order (no spread): a weekly run makes 10,000 of them.
  const current = weekNumber(input.today) === week;
  if (trend.checkInsThisWeek === 0) {
    return {
      kind: 'nudge',
      coachId: coach.id,
      level: coach.settings.level,
      current,
      trend,
      checkIns: 0,
      reflections: input.reflections,
      streak: input.streak,
      first: input.first,
      today: input.today,
    };
  }
  const focus = chooseFocus(trend.behaviours);
  const improved = mostImproved(trend.behaviours);
  return {
    kind: 'summary',
    coachId: coach.id,
    level: coach.settings.level,
    current,
    trend,
    checkIns: trend.checkInsThisWeek,
    reflections: input.reflections,
    streak: input.streak,
    first: input.first,
    today: input.today,
    focus: focus && {
      key: focus.key,
      reason: focus.reason,
      tip: tipForWeek(catalog, focus.key, week),
      prompt: promptForBehaviour(catalog, coach.settings, focus.key, `${coach.id}|${week}`),
    },
    improved: improved && { key: improved.key, change: improved.change as number },
  };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

// What the framework says and no more: a self-rating is the coach's own view, not the markers an assessor hears,
// and a rise in it is not the client's trust.
const STEADY: Record<Level | 'none', string> = {
  ACC: 'Nothing rose by a quarter point or more this time. Steady is fine: keep noticing what you do in each session.',
  PCC: 'Nothing rose by a quarter point or more this time. Your ratings are your own view; the PCC markers are what an assessor listens for in a recorded session.',
  MCC: 'Nothing rose by a quarter point or more this time. Steady is fine.',
  none: 'Nothing rose by a quarter point or more this time. Steady is fine.',
};

const IMPROVED: Record<Level | 'none', string> = {
  ACC: 'Notice what you did differently, so you can do it on purpose.',
  PCC: 'Which session showed it most clearly? The PCC markers are what an assessor would listen for in a recording of it.',
  MCC: 'What were you attuned to lately that you might once have missed?',
  none: 'Notice what helped, so you can do more of it.',
};

/** What improved most, in words for the coach's level. */
function improvedLine(s: WeeklySummary): string {
  const level = s.level ?? 'none';
  if (!s.improved) return STEADY[level];
  const name = behaviour(s.improved.key).short;
  return `*Most improved: ${name}*, up ${s.improved.change.toFixed(1)} on the four weeks before. ${IMPROVED[level]}`;
}

function focusLine(s: WeeklySummary): string | undefined {
  const f = s.focus;
  if (!f) return undefined;
  const b = s.trend.behaviours.find((x) => x.key === f.key);
  const why =
    f.reason === 'falling'
      ? `down ${Math.abs(b?.change ?? 0).toFixed(1)} on the four weeks before`
      : `your lowest of the week, at ${formatMean(b?.thisWeek ?? null)}`;
  return `*Focus for next week: ${behaviour(f.key).short}* (${why}). ${behaviour(f.key).label}.`;
}

export function summaryTable(trend: Trend): string[] {
  return [
    'Behaviour  week  before  change  last 8 weeks',
    ...trend.behaviours.map(
      (b) =>
        `${behaviour(b.key).short.padEnd(9)}  ${formatMean(b.thisWeek).padStart(4)}  ${formatMean(b.before).padStart(6)}  ${formatChange(b.change).padEnd(6)}  ${b.sparkline}`,
    ),
  ];
}

/** Which week the summary shows, in words: "Week of 23–29 Nov 2026 (last week)", or the week so far. */
export function weekLine(s: WeeklySummary): string {
  const week = `Week of ${formatWeek(s.trend.weekStart)}`;
  if (!s.current) return `${week} (last week). Type "summary now" for this week so far.`;
  const sunday = addDays(s.trend.weekStart, 6);
  return s.today < sunday ? `${week}: this week so far, to ${formatDate(s.today)}.` : `${week}: this week.`;
}

/** The summary as a platform-neutral message. Text alone carries everything; the chart only repeats it. */
export function summaryMessage(s: WeeklySummary): Message {
  const title = `Your week: ${formatWeek(s.trend.weekStart)}`;
  const when = s.current ? (s.today < addDays(s.trend.weekStart, 6) ? 'this week so far' : 'this week') : 'last week';
  const opening = [weekLine(s)];
  if (s.first) opening.push('This is your first weekly summary: it covers the days since you joined.');
  if (s.kind === 'nudge') {
    const lines = [
      ...opening,
      `No self-check ${when}, and that is fine: some weeks are full.${s.reflections ? ` You wrote ${plural(s.reflections, 'reflection')}; thank you.` : ''}`,
      'One minute keeps your picture going: /selfcheck, or /selfcheck 4 3 5 4 4 2 to rate all six at once.',
    ];
    if (s.mentorLine) lines.push(s.mentorLine);
    return message(lines, {
      title,
      buttons: [{ action: 'open_selfcheck', label: 'Check in now', style: 'primary' }],
    });
  }
  const lines = [
    ...opening,
    `${plural(s.checkIns, 'self-check')} and ${plural(s.reflections, 'reflection')} ${when}; streak ${plural(s.streak, 'week')}.`,
    improvedLine(s),
  ];
  const focus = focusLine(s);
  if (focus) lines.push(focus);
  if (s.focus?.tip) lines.push(`*Tip: ${s.focus.tip.title}.* ${s.focus.tip.text}`);
  if (s.focus?.prompt) lines.push(`*A prompt to try:* ${s.focus.prompt.text}`);
  if (s.mentorLine) lines.push(s.mentorLine);
  return message(lines, {
    title,
    preformatted: summaryTable(s.trend),
    footer: 'Means on the 1–5 scale. "before" is the four weeks before; · marks a week without a self-check.',
  });
}

/** The chart beside the summary: the eight weeks of the sparklines, as bars. */
export function summaryChart(s: WeeklySummary): { data: ChartData; alt: string; filename: string } {
  const weekStarts = Array.from({ length: 8 }, (_, i) => addDays(s.trend.weekStart, 7 * (i - 7)));
  return {
    data: {
      title: `Weekly means, 8 weeks to ${formatWeek(s.trend.weekStart)}`,
      weekStarts,
      series: s.trend.behaviours.map((b) => ({ label: behaviour(b.key).short, values: b.series })),
    },
    alt: `Bar chart of your weekly mean for each of the six behaviours over the 8 weeks to ${formatWeek(s.trend.weekStart)}; the table has the same numbers.`,
    filename: `trellis-week-${s.trend.weekStart}.png`,
  };
}
