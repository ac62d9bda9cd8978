import { BEHAVIOUR_KEYS, type Rating } from '../../src/core/behaviours';
import type { Coach, CoachRef, Ratings } from '../../src/core/model';
import type { Repositories } from '../../src/core/ports';
import type { RequestContext } from '../../src/core/trellis';
import { makeTrellis } from './trellis';

/** The real core with charts (unless turned off) on a temp SQLite file, a fixed clock, and the log kept in memory. */
export function makeWeeklyTrellis(start: string, options: { minGroupSize?: number; charts?: boolean } = {}) {
  return makeTrellis(start, 'UTC', { minGroupSize: options.minGroupSize, charts: options.charts !== false });
}

export const slackRef = (user: string): CoachRef => ({ platform: 'slack', tenant: 'T1', user });

/** A group channel context as a platform adapter would pass it. */
export const inChannel = (id: string, name = 'peer-group'): RequestContext => ({
  channel: { id, kind: 'group', name },
});

/** All six behaviours rated the same, or per key. */
export function ratings(value: Rating | Partial<Record<string, Rating>>): Ratings {
  if (typeof value === 'number') return Object.fromEntries(BEHAVIOUR_KEYS.map((k) => [k, value])) as Ratings;
  return value as Ratings;
}

/** Stores a self-check dated `localDate` directly (history that happened before the test's "now"). */
export function addCheck(repos: Repositories, coach: Coach, localDate: string, r: Ratings, note: string | null = null) {
  return repos.selfChecks.add({
    coachId: coach.id,
    checkedAt: `${localDate}T10:00:00.000Z`,
    localDate,
    ratings: r,
    note,
  }).check;
}

export function addReflection(repos: Repositories, coach: Coach, localDate: string, text: string) {
  return repos.reflections.add({
    coachId: coach.id,
    promptIssueId: null,
    promptId: 'context-01',
    text,
    createdAt: `${localDate}T18:00:00.000Z`,
    localDate,
  }).reflection;
}
