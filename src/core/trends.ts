import { BEHAVIOUR_KEYS, type BehaviourKey } from './behaviours';
import type { Ratings } from './model';
import { addDays, weekStart } from './time';

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
  return values.map((v) => (v === null ? '·' : BARS[Math.min(7, Math.max(0, Math.round(((v - 1) / 4) * 7)))])).join('');
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
  const weeks = options.weeks ?? 8;
  const baselineWeeks = options.baselineWeeks ?? 4;
  const series = weeklyMeans(checks, today, Math.max(weeks, baselineWeeks + 1));
  const thisWeekStart = weekStart(today);
  const baselineFrom = addDays(thisWeekStart, -7 * baselineWeeks);
  const behaviours = BEHAVIOUR_KEYS.map((key): BehaviourTrend => {
    const current = checks.filter((c) => c.localDate >= thisWeekStart && c.localDate <= addDays(thisWeekStart, 6));
    const baseline = checks.filter((c) => c.localDate >= baselineFrom && c.localDate < thisWeekStart);
    const thisWeek = mean(
      current.map((c) => c.ratings[key]).filter((v): v is NonNullable<typeof v> => v !== undefined),
    );
    const before = mean(baseline.map((c) => c.ratings[key]).filter((v): v is NonNullable<typeof v> => v !== undefined));
    const recent = series.slice(-weeks).map((w) => w.means[key]);
    return {
      key,
      thisWeek,
      before,
      change: thisWeek !== null && before !== null ? thisWeek - before : null,
      series: recent,
      sparkline: sparkline(recent),
    };
  });
  return { weekStart: thisWeekStart, behaviours, checkInsThisWeek: series[series.length - 1].checkIns };
}

/**
 * Weeks in a row, counting back from this week, with at least one check-in on one of `activeDates`.
 * A week that has only just begun without one does not break the streak; it just does not count yet.
 */
export function streak(activeDates: readonly string[], today: string): number {
  const weeks = new Set(activeDates.map(weekStart));
  let week = weekStart(today);
  if (!weeks.has(week)) week = addDays(week, -7);
  let count = 0;
  while (weeks.has(week)) {
    count++;
    week = addDays(week, -7);
  }
  return count;
}

export function formatMean(value: number | null): string {
  return value === null ? '–' : value.toFixed(1);
}

export function formatChange(change: number | null): string {
  if (change === null) return '';
  const sign = change > 0 ? '+' : change < 0 ? '−' : '±';
  return `${arrow(change)} ${sign}${Math.abs(change).toFixed(1)}`;
}
