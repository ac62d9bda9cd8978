import { type BehaviourKey, isBehaviourKey } from './behaviours';
import {
  type Comparison,
  compareSession,
  type MentorRatedSession,
  type MentorViewSession,
  SELF_CHECK_WINDOW_DAYS,
} from './compare';
import { COMPARE_DM_ONLY, compareMessages, weeklyMentorLine } from './compare-message';
import type { Message } from './message';
import { message } from './message';
import type { Coach, CoachRef } from './model';
import type { ChartRenderer, Clock, Logger, Repositories } from './ports';
import { RUBRIC } from './rubric';
import { addDays, localDate } from './time';

export interface CompareDeps {
  repos: Repositories;
  clock: Clock;
  log: Logger;
  charts?: ChartRenderer;
}

/** What a platform knows of where a command came from (RequestContext's fields this module reads). */
interface CompareContext {
  requestKey?: string;
  timeZone?: string;
  displayName?: string;
  channel?: { id: string; kind: 'direct' | 'group'; name?: string };
}

/**
 * Self beside mentor, the reading side (issue #15): `/selfcheck compare` for the coach, what a mentor may see of
 * the sessions shared with them, the weekly summary's line, and drawing the calibration chart before a reply goes
 * out. Only the coach sees their comparison; a mentor sees only the sessions shared with them while the relation is
 * active, and never a client code, an evidence line, a note or a reflection.
 */
export class Compare {
  constructor(
    private readonly deps: CompareDeps,
    private readonly coachOf: (ref: CoachRef, ctx?: CompareContext) => Coach,
  ) {}

  comparisons(coachId: number): Comparison[] {
    return comparisonsOf(this.deps.repos, coachId);
  }

  /** `/selfcheck compare`: in the coach's DM only. */
  command(ref: CoachRef, args: string, ctx: CompareContext = {}): Message[] {
    if (ctx.channel && ctx.channel.kind !== 'direct') return [message(COMPARE_DM_ONLY)];
    if (args.trim() !== '')
      return [message('Type "/selfcheck compare" on its own: it shows every session a mentor rated.')];
    const coach = this.coachOf(ref, ctx);
    const list = this.comparisons(coach.id);
    this.deps.log.info('comparison shown', { coach: coach.id, comparisons: list.length });
    return compareMessages(list);
  }

  /**
   * What a mentor sees: the sessions coaches shared with them under relations active now (one coach's when
   * `coachId` is given), with the coach's ratings and the mentor's own. Numbers and observations only.
   */
  mentorView(mentorCoachId: number, coachId?: number): MentorViewSession[] {
    return this.deps.repos.comparisons.sharedWithMentor(mentorCoachId, coachId);
  }

  /** Draws the charts a reply's messages ask for; a chart that cannot be drawn leaves its message as text. */
  async drawCharts(messages: readonly Message[]): Promise<Message[]> {
    const render = this.deps.charts?.renderCalibrationPng?.bind(this.deps.charts);
    return Promise.all(
      messages.map(async (m) => {
        if (!m.chart) return m;
        const { chart, ...rest } = m;
        if (!render) return rest;
        try {
          const png = await render(chart.calibration);
          return { ...rest, image: { png, alt: chart.alt, filename: chart.filename } };
        } catch (error) {
          this.deps.log.warn('calibration chart not drawn', { error: error instanceof Error ? error.name : 'unknown' });
          return rest;
        }
      }),
    );
  }
}

/** Every session of the coach a mentor rated, beside the coach's own ratings, oldest first. */
export function comparisonsOf(repos: Pick<Repositories, 'comparisons' | 'selfChecks'>, coachId: number): Comparison[] {
  return repos.comparisons.mentorRated(coachId).map((rated) => compareSession(rated, selfCheckFallback(repos, rated)));
}

/**
 * When the coach did not rate a session's behaviours: their latest self-check on or before the session date,
 * within 7 days, stands in (and is labelled as such).
 */
function selfCheckFallback(repos: Pick<Repositories, 'selfChecks'>, rated: MentorRatedSession) {
  if (Object.keys(rated.self.behaviours).length > 0) return undefined;
  const checks = repos.selfChecks.between(rated.coachId, addDays(rated.date, -SELF_CHECK_WINDOW_DAYS), rated.date);
  const latest = checks[checks.length - 1];
  if (!latest) return undefined;
  const ratings: Partial<Record<BehaviourKey, number>> = {};
  for (const [key, value] of Object.entries(latest.ratings))
    if (isBehaviourKey(key) && typeof value === 'number') ratings[key] = value;
  return { date: latest.localDate, ratings, rubricVersion: latest.rubricVersion ?? RUBRIC.version };
}

/**
 * The weekly summary's line: the latest mentor rating given on the coach's local dates [fromDate, toDate] (the
 * reported week). The store is asked first with a day's margin each side, so a week without one costs one query.
 */
export function weeklyMentorLineFor(
  repos: Pick<Repositories, 'comparisons' | 'selfChecks'>,
  coach: Coach,
  fromDate: string,
  toDate: string,
): string | undefined {
  const from = `${addDays(fromDate, -1)}T00:00:00.000Z`;
  const to = `${addDays(toDate, 2)}T00:00:00.000Z`;
  if (!repos.comparisons.latestMentorRatingBetween(coach.id, from, to)) return undefined;
  const inWeek = comparisonsOf(repos, coach.id).filter((c) => {
    if (!c.mentorRatedAt) return false;
    const day = localDate(new Date(c.mentorRatedAt), coach.settings.timeZone);
    return day >= fromDate && day <= toDate;
  });
  if (inWeek.length === 0) return undefined;
  const latest = inWeek.reduce((a, b) => ((b.mentorRatedAt as string) > (a.mentorRatedAt as string) ? b : a));
  return weeklyMentorLine(latest);
}
