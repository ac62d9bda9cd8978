import { BEHAVIOUR_KEYS, type BehaviourKey } from './behaviours';
import type { Ratings } from './model';
import { addDays, daysBetween, weekStart } from './time';
import { type CoachWindow, slotOf, WINDOW_SLOT } from './week-window';

/** A self-check reduced to what trends need. */
export interface DatedRatings {
  localDate: string;
  ratings: Ratings;
}

export interface WeekMeans {
  /** The Monday that starts the week. */
  weekStart: string;
  checkIns: number;
  means: Record<BehaviourKey, number | null>;
}

function mean(values: readonly number[]): number | null {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
}

/** Monday dates of the `count` weeks ending with the week holding `today`, oldest first. */
export function weekStarts(today: string, count: number): string[] {
  const last = weekStart(today);
  return Array.from({ length: count }, (_, i) => addDays(last, -7 * (count - 1 - i)));
}

/** Per-week means for the `count` weeks ending with the week of `today`, oldest first; weeks with no data have nulls. */
export function weeklyMeans(checks: readonly DatedRatings[], today: string, count: number): WeekMeans[] {
  const starts = weekStarts(today, count);
  const index = new Map(starts.map((s, i) => [s, i]));
  const buckets = starts.map(() => ({ checkIns: 0, values: new Map<BehaviourKey, number[]>() }));
  for (const check of checks) {
    const i = index.get(weekStart(check.localDate));
    if (i === undefined) continue;
    const bucket = buckets[i];
    bucket.checkIns++;
    for (const key of BEHAVIOUR_KEYS) {
      const r = check.ratings[key];
      if (r === undefined) continue;
      const list = bucket.values.get(key) ?? [];
      list.push(r);
      bucket.values.set(key, list);
    }
  }
  return buckets.map((bucket, i) => ({
    weekStart: starts[i],
    checkIns: bucket.checkIns,
    means: Object.fromEntries(BEHAVIOUR_KEYS.map((k) => [k, mean(bucket.values.get(k) ?? [])])) as Record<
      BehaviourKey,
      number | null
    >,
  }));
}

const BARS = '▁▂▃▄▅▆▇█';

/** A text sparkline of 1–5 values: ▁ for 1 up to █ for 5, · for a week with no data. */
export function sparkline(values: readonly (number | null)[]): string {
  // A weekly run draws 60,000 sparklines of 8 marks from a few thousand distinct lines: each is written once, by
  // the number its marks spell (base 9), instead of a string grown mark by mark every time.
  if (values.length > 8) return sparklineOf(values);
  let code = values.length;
  for (const v of values) code = code * 9 + (v === null ? 8 : Math.min(7, Math.max(0, Math.round(((v - 1) / 4) * 7))));
  let line = sparklines.get(code);
  if (line === undefined) {
    line = sparklineOf(values);
    remember(sparklines, code, line);
  }
  return line;
}
const sparklines = new Map<number, string>();

function sparklineOf(values: readonly (number | null)[]): string {
  let line = '';
  for (const v of values) line += v === null ? '·' : BARS[Math.min(7, Math.max(0, Math.round(((v - 1) / 4) * 7)))];
  return line;
}

/** ↑, ↓ or → for a change in mean rating; changes under a quarter point count as steady. */
export function arrow(change: number | null): string {
  if (change === null) return ' ';
  if (change >= 0.25) return '↑';
  if (change <= -0.25) return '↓';
  return '→';
}

export interface BehaviourTrend {
  key: BehaviourKey;
  thisWeek: number | null;
  /** The mean over every rating in the `baselineWeeks` weeks before this one. */
  before: number | null;
  change: number | null;
  /** Weekly means for the sparkline, oldest first, this week last. */
  series: (number | null)[];
  sparkline: string;
}

export interface Trend {
  weekStart: string;
  behaviours: BehaviourTrend[];
  checkInsThisWeek: number;
}

export interface TrendOptions {
  /** Weeks in the sparkline, this week included. */
  weeks?: number;
  /** Weeks before this one that make up the comparison. */
  baselineWeeks?: number;
}

export function computeTrend(checks: readonly DatedRatings[], today: string, options: TrendOptions = {}): Trend {
  return trendFromTotals(totalsFromChecks(checks), weekStart(today), options);
}

/** The Monday that week numbers count from: week 0 starts on 1970-01-05. */
export const EPOCH_MONDAY = '1970-01-05';

/** Whole weeks (Monday to Sunday) since EPOCH_MONDAY: a number that sorts and subtracts across year ends. */
export function weekNumber(date: string): number {
  let week = weekNumbers.get(date);
  if (week === undefined) {
    week = Math.floor(daysBetween(EPOCH_MONDAY, date) / 7);
    remember(weekNumbers, date, week);
  }
  return week;
}

/**
 * `weekNumber` of the date written at `text[at..at+10)` ("2026-11-16"), read from its character codes: no string is
 * cut out and no Date is made (the weekly reads call it for every row of the window). Days from the civil date as in
 * H. Hinnant's days_from_civil; 1970-01-05 is day 4.
 */
export function weekAt(text: string, at = 0): number {
  // No helper closures: under tsx (keepNames) each would be named through defineProperty on every call.
  let y =
    (text.charCodeAt(at) - 48) * 1000 +
    (text.charCodeAt(at + 1) - 48) * 100 +
    (text.charCodeAt(at + 2) - 48) * 10 +
    (text.charCodeAt(at + 3) - 48);
  const m = (text.charCodeAt(at + 5) - 48) * 10 + (text.charCodeAt(at + 6) - 48);
  const d = (text.charCodeAt(at + 8) - 48) * 10 + (text.charCodeAt(at + 9) - 48);
  if (m <= 2) y--;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const days = era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719_468;
  return Math.floor((days - 4) / 7);
}

/** The Monday that starts week number `week`. */
export function weekStartOf(week: number): string {
  let monday = mondays.get(week);
  if (monday === undefined) {
    monday = addDays(EPOCH_MONDAY, 7 * week);
    remember(mondays, week, monday);
  }
  return monday;
}

// A weekly run asks for the same few dates thousands of times; date arithmetic through Date is the slow part.
const weekNumbers = new Map<string, number>();
const mondays = new Map<number, string>();
function remember<K, V>(cache: Map<K, V>, key: K, value: V): void {
  if (cache.size >= 5000) cache.clear();
  cache.set(key, value);
}

/** Sums and counts of ratings in one week: what a mean over any span of weeks can be built from. */
export interface WeekTotals {
  week: number;
  checkIns: number;
  sums: Record<BehaviourKey, number>;
  counts: Record<BehaviourKey, number>;
}

export function emptyTotals(week: number): WeekTotals {
  const zero = () => Object.fromEntries(BEHAVIOUR_KEYS.map((k) => [k, 0])) as Record<BehaviourKey, number>;
  return { week, checkIns: 0, sums: zero(), counts: zero() };
}

/** Self-checks folded into per-week totals, oldest week first. */
export function totalsFromChecks(checks: readonly DatedRatings[]): WeekTotals[] {
  const byWeek = new Map<number, WeekTotals>();
  for (const check of checks) {
    const week = weekNumber(check.localDate);
    let totals = byWeek.get(week);
    if (!totals) {
      totals = emptyTotals(week);
      byWeek.set(week, totals);
    }
    totals.checkIns++;
    for (const key of BEHAVIOUR_KEYS) {
      const r = check.ratings[key];
      if (r === undefined) continue;
      totals.sums[key] += r;
      totals.counts[key]++;
    }
  }
  return [...byWeek.values()].sort((a, b) => a.week - b.week);
}

// Reused by every trendFromTotals call (synchronous, so never two at once); grown when a longer span is asked for.
let totalsWindow: CoachWindow = { coachId: 0, firstWeek: 0, acc: new Float64Array(9 * WINDOW_SLOT) };

/**
 * The trend for the week starting `thisWeekStart` from per-week totals (from self-checks in memory, or from one
 * aggregate query for many coaches at once). Weeks missing from `totals` had no check-ins.
 */
export function trendFromTotals(
  totals: readonly WeekTotals[],
  thisWeekStart: string,
  options: TrendOptions = {},
): Trend {
  const thisWeek = weekNumber(thisWeekStart);
  const span = Math.max(options.weeks ?? 8, (options.baselineWeeks ?? 4) + 1);
  if (totalsWindow.acc.length < span * WINDOW_SLOT) {
    totalsWindow = { coachId: 0, firstWeek: 0, acc: new Float64Array(span * WINDOW_SLOT) };
  }
  const window = totalsWindow;
  window.firstWeek = thisWeek - span + 1;
  const { acc } = window;
  acc.fill(0);
  for (const t of totals) {
    const at = slotOf(window, t.week);
    if (at < 0 || t.week > thisWeek) continue;
    acc[at] = t.checkIns;
    for (let b = 0; b < BEHAVIOUR_KEYS.length; b++) {
      acc[at + 2 + 2 * b] = t.sums[BEHAVIOUR_KEYS[b]];
      acc[at + 3 + 2 * b] = t.counts[BEHAVIOUR_KEYS[b]];
    }
  }
  return trendFromWindow(window, thisWeek, options);
}

/**
 * The trend for week number `thisWeek` read straight from a coach's window (see CoachWindow): a weekly run builds
 * 60,000 behaviour trends for 10,000 coaches, so nothing here makes an object per week or looks a behaviour up by
 * name. Weeks the window does not hold had no check-ins.
 */
export function trendFromWindow(window: CoachWindow, thisWeek: number, options: TrendOptions = {}): Trend {
  const weeks = options.weeks ?? 8;
  const baselineWeeks = options.baselineWeeks ?? 4;
  const { acc, firstWeek } = window;
  // Slots are found inline, not through slotOf: under tsx every call into another module goes through a getter,
  // and this runs 70 times per coach.
  const held = acc.length / SLOT;
  const current = thisWeek - firstWeek;
  const now0 = current >= 0 && current < held ? current * SLOT : -1;
  const keys = BEHAVIOUR_KEYS;
  const n = keys.length;
  const behaviours: BehaviourTrend[] = new Array(n);
  for (let b = 0; b < n; b++) {
    const o = 2 + 2 * b;
    const now = now0 >= 0 && acc[now0 + o + 1] ? acc[now0 + o] / acc[now0 + o + 1] : null;
    let sum = 0;
    let count = 0;
    for (let i = current - baselineWeeks; i < current; i++) {
      if (i < 0 || i >= held) continue;
      sum += acc[i * SLOT + o];
      count += acc[i * SLOT + o + 1];
    }
    const before = count ? sum / count : null;
    const series: (number | null)[] = new Array(weeks);
    for (let k = 0; k < weeks; k++) {
      const i = current - weeks + 1 + k;
      const at = i * SLOT + o;
      series[k] = i >= 0 && i < held && acc[at + 1] ? acc[at] / acc[at + 1] : null;
    }
    behaviours[b] = {
      key: keys[b],
      thisWeek: now,
      before,
      change: now !== null && before !== null ? now - before : null,
      series,
      sparkline: sparkline(series),
    };
  }
  return { weekStart: weekStartOf(thisWeek), behaviours, checkInsThisWeek: now0 >= 0 ? acc[now0] : 0 };
}
/** WINDOW_SLOT, read once. */
const SLOT = WINDOW_SLOT;

/**
 * Weeks in a row, counting back from the week `todayWeek` (a week number), for which `isActive` holds. A week that
 * has only just begun without activity does not break the streak; it just does not count yet. The one streak rule:
 * every view (trend, summary, App Home, the weekly DM) counts through this function.
 */
export function countStreak(isActive: (week: number) => boolean, todayWeek: number, max = 520): number {
  let week = todayWeek;
  if (!isActive(week)) week--;
  let count = 0;
  while (count < max && isActive(week)) {
    count++;
    week--;
  }
  return count;
}

/** The streak over a list of active dates, up to the week of `today` (countStreak). */
export function streak(activeDates: readonly string[], today: string): number {
  const weeks = new Set(activeDates.map(weekNumber));
  return countStreak((w) => weeks.has(w), weekNumber(today));
}

// Means are ratios of small whole numbers, so a weekly run words the same few thousand values again and again.
const meanTexts = new Map<number, string>();
const changeTexts = new Map<number, string>();

export function formatMean(value: number | null): string {
  if (value === null) return '–';
  let text = meanTexts.get(value);
  if (text === undefined) {
    text = value.toFixed(1);
    remember(meanTexts, value, text);
  }
  return text;
}

export function formatChange(change: number | null): string {
  if (change === null) return '';
  let text = changeTexts.get(change);
  if (text === undefined) {
    const sign = change > 0 ? '+' : change < 0 ? '−' : '±';
    text = `${arrow(change)} ${sign}${Math.abs(change).toFixed(1)}`;
    remember(changeTexts, change, text);
  }
  return text;
}

/**
 * The week a weekly summary or digest reports on, given the local date it goes out: from Friday on, the week now
 * ending; Monday to Thursday, the week before (a Monday summary looks back at the whole of last week).
 */
export function reportWeekStart(today: string): string {
  const monday = weekStart(today);
  return daysBetween(monday, today) >= 4 ? monday : addDays(monday, -7);
}

export interface Focus {
  key: BehaviourKey;
  /** Falling: down by half a point or more on the weeks before, the steepest fall; otherwise the lowest mean. */
  reason: 'falling' | 'lowest';
}

/** The behaviour to work on next: the one falling fastest, else the lowest this week. Undefined with no data. */
export function chooseFocus(behaviours: readonly BehaviourTrend[]): Focus | undefined {
  // Plain loops (a weekly run asks for 10,000 coaches): the steepest fall of half a point or more, else the lowest
  // this week; the first one wins a tie, in either case.
  let steepest: BehaviourTrend | undefined;
  let lowest: BehaviourTrend | undefined;
  for (const b of behaviours) {
    if (b.thisWeek === null) continue;
    if (b.change !== null && b.change <= -0.5 && (!steepest || b.change < (steepest.change as number))) steepest = b;
    if (!lowest || b.thisWeek < (lowest.thisWeek as number)) lowest = b;
  }
  if (steepest) return { key: steepest.key, reason: 'falling' };
  return lowest && { key: lowest.key, reason: 'lowest' };
}

/** The behaviour that rose most against the weeks before, when one rose by at least a quarter point. */
export function mostImproved(behaviours: readonly BehaviourTrend[]): BehaviourTrend | undefined {
  let most: BehaviourTrend | undefined;
  for (const b of behaviours) {
    if (b.change !== null && b.change >= 0.25 && (!most || b.change > (most.change as number))) most = b;
  }
  return most;
}

/** Weeks are written one way everywhere (src/core/dates.ts). */
export { formatWeek } from './dates';
