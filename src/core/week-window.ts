import { BEHAVIOUR_KEYS } from './behaviours';

/**
 * One coach's weeks of a weekly run as flat numbers, without an object per week: what the store folds a coach's
 * row of the window into, and what the summary reads its trend, streak and counts from. Week `firstWeek + i`
 * (see weekNumber) occupies `acc[i * WINDOW_SLOT .. (i + 1) * WINDOW_SLOT)`: check-ins, reflections, then a (sum,
 * count) pair of ratings per behaviour in BEHAVIOUR_KEYS order.
 */
export interface CoachWindow {
  coachId: number;
  firstWeek: number;
  acc: Float64Array;
}

/** Numbers per week in a CoachWindow. */
export const WINDOW_SLOT = 2 + 2 * BEHAVIOUR_KEYS.length;

/** Where `week` starts in `window.acc`, or -1 when the window does not hold it (no data that week). */
export function slotOf(window: CoachWindow, week: number): number {
  const i = week - window.firstWeek;
  return i >= 0 && i * WINDOW_SLOT < window.acc.length ? i * WINDOW_SLOT : -1;
}

/** Whether the coach made a self-check or wrote a reflection in `week`. */
export function isActiveWeek(window: CoachWindow, week: number): boolean {
  const at = slotOf(window, week);
  return at >= 0 && (window.acc[at] > 0 || window.acc[at + 1] > 0);
}

/** The first week of the window with a self-check or a reflection, or undefined when it has neither. */
export function firstActiveWeek(window: CoachWindow): number | undefined {
  const { acc } = window;
  for (let at = 0; at < acc.length; at += WINDOW_SLOT) {
    if (acc[at] > 0 || acc[at + 1] > 0) return window.firstWeek + at / WINDOW_SLOT;
  }
  return undefined;
}

/** Reflections dated in `week`. */
export function reflectionsIn(window: CoachWindow, week: number): number {
  const at = slotOf(window, week);
  return at >= 0 ? window.acc[at + 1] : 0;
}

/**
 * A streak (as countStreak counts it: up to today's week, which counts once it is active) within the window, and
 * whether it fills the window back to `fromWeek`, so that weeks before it must be looked at too.
 */
export function windowStreak(
  window: CoachWindow,
  todayWeek: number,
  fromWeek: number,
): { count: number; reachesBack: boolean } {
  let w = isActiveWeek(window, todayWeek) ? todayWeek : todayWeek - 1;
  let count = 0;
  while (w >= fromWeek && isActiveWeek(window, w)) {
    count++;
    w--;
  }
  return { count, reachesBack: count > 0 && w < fromWeek };
}
