import { type Comparison, OBSERVATION_STEP } from './compare';
import { comparisonsOf } from './compare-flow';
import { calibrationChart } from './compare-message';
import { monthsBefore, targetCredential } from './credential-log';
import type { Coach, Level, Reflection } from './model';
import { inPeriod, type PortfolioPeriod } from './portfolio-model';
import type { CalibrationChartData, Repositories } from './ports';
import { MARKER_IDS, type MarkerId, REQUIREMENTS, RUBRIC } from './rubric';
import type { ClientSession, MentoringLog, Observation, SessionTotals } from './sessions';

/**
 * What a portfolio holds, read for one coach and one period (issue #15): the sessions and mentor coaching in the
 * period, the totals a credential is measured by (everything up to the period's end, as an application counts
 * them), marker ratings by the coach and by mentors, mentors' comments, and the reflections the coach ticked.
 * Free text (client codes, evidence, mentors' names, comments, reflections) comes opened from the store.
 */

export interface RatedSessionRow {
  sessionId: number;
  date: string;
  /** "You", or the mentor's name. */
  who: string;
  markers: Partial<Record<MarkerId, Observation>>;
  /** Mean over the six behaviours this side rated, when it rated any. */
  behaviourMean: number | null;
}

export interface MentorComment {
  sessionId: number;
  date: string;
  mentor: string;
  comment: string;
  ratedAt: string;
}

export interface PortfolioData {
  coachName: string;
  period: PortfolioPeriod;
  /** The coach's local date when it was made. */
  madeOn: string;
  rubricVersion: string;
  target: Level;
  sessions: ClientSession[];
  mentoring: MentoringLog[];
  /** Up to the period's end: what a credential counts. */
  totals: SessionTotals;
  mentoringToEnd: MentoringLog[];
  ratings: RatedSessionRow[];
  chart?: CalibrationChartData;
  comments: MentorComment[];
  reflections: Reflection[];
  /** Ticked reflections outside the period (left out). */
  picksOutside: number;
}

export const normaliseClientCode = (code: string) => code.replace(/\s+/g, '').toLowerCase();

/** The sums `/selfcheck log` shows, over a list of sessions (the store sums the same in SQL). */
export function totalsOf(sessions: readonly ClientSession[], recentFrom: string): SessionTotals {
  let minutes = 0;
  let paidMinutes = 0;
  let recentMinutes = 0;
  const clients = new Set<string>();
  for (const s of sessions) {
    minutes += s.minutes;
    if (s.paid) paidMinutes += s.minutes;
    if (s.date >= recentFrom) recentMinutes += s.minutes;
    clients.add(normaliseClientCode(s.clientCode));
  }
  return { sessions: sessions.length, minutes, paidMinutes, recentMinutes, clients: clients.size };
}

const mean = (values: readonly number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : null);

const observationOf = (step: number | null): Observation | undefined =>
  step === null ? undefined : (Object.entries(OBSERVATION_STEP).find(([, v]) => v === step)?.[0] as Observation);

function ratingRows(
  sessions: readonly ClientSession[],
  comparisons: readonly Comparison[],
  selfBehaviours: Map<number, number[]>,
): RatedSessionRow[] {
  const rows: RatedSessionRow[] = [];
  for (const s of sessions) {
    const mine = comparisons.filter((c) => c.sessionId === s.id);
    const own = selfBehaviours.get(s.id) ?? [];
    if (s.ratings.length === 0 && own.length === 0 && mine.length === 0) continue;
    rows.push({
      sessionId: s.id,
      date: s.date,
      who: 'You',
      markers: Object.fromEntries(s.ratings.map((r) => [r.marker, r.observed])),
      behaviourMean: mean(own),
    });
    for (const c of mine) {
      const markers: Partial<Record<MarkerId, Observation>> = {};
      for (const id of MARKER_IDS) {
        const observed = observationOf(c.markers.find((m) => m.key === id)?.mentor ?? null);
        if (observed) markers[id] = observed;
      }
      rows.push({
        sessionId: s.id,
        date: s.date,
        who: c.mentorName ?? 'Your mentor',
        markers,
        // The mentor's own mean over every behaviour they rated, as the coach's row is theirs.
        behaviourMean: mean(c.behaviours.flatMap((b) => (b.mentor === null ? [] : [b.mentor]))),
      });
    }
  }
  return rows;
}

/** Everything the portfolio's files show, for the coach and period; reflections only those ticked. */
export function gatherPortfolio(repos: Repositories, coach: Coach, period: PortfolioPeriod, madeOn: string) {
  const everySession = repos.journey.sessions(coach.id);
  const toEnd = everySession.filter((s) => s.date <= period.to);
  const sessions = toEnd.filter((s) => inPeriod(s.date, period));
  const everyLog = repos.journey.mentoring(coach.id);
  const target = targetCredential(coach);
  const recentFrom = monthsBefore(period.to, REQUIREMENTS.credentials[target].recentMonths);
  const inside = new Set(sessions.map((s) => s.id));
  const comparisons = comparisonsOf(repos, coach.id).filter((c) => inside.has(c.sessionId));
  const mentorData = repos.mentors.exportFor(coach.id);
  const selfBehaviours = new Map<number, number[]>();
  for (const r of mentorData?.selfBehaviourRatings ?? []) {
    if (!inside.has(r.sessionId)) continue;
    selfBehaviours.set(r.sessionId, [...(selfBehaviours.get(r.sessionId) ?? []), r.rating]);
  }
  const dateOf = new Map(sessions.map((s) => [s.id, s.date]));
  const comments: MentorComment[] = (mentorData?.mentorReviews ?? [])
    .filter((r) => inside.has(r.sessionId) && r.comment !== null)
    .map((r) => ({
      sessionId: r.sessionId,
      date: dateOf.get(r.sessionId) as string,
      mentor: repos.coaches.byId(r.mentorCoachId)?.displayName ?? 'Your mentor',
      comment: r.comment as string,
      ratedAt: r.ratedAt,
    }))
    .sort((a, b) => a.date.localeCompare(b.date) || a.sessionId - b.sessionId);
  const picked = repos.portfolioPicks
    .picks(coach.id)
    .map((id) => repos.reflections.byId(id))
    .filter((r): r is Reflection => r !== undefined && r.coachId === coach.id);
  const reflections = picked.filter((r) => inPeriod(r.localDate, period));
  const data: PortfolioData = {
    coachName: coach.displayName?.trim() || 'Coach',
    period,
    madeOn,
    rubricVersion: RUBRIC.version,
    target,
    sessions,
    mentoring: everyLog.filter((l) => inPeriod(l.date, period)),
    totals: totalsOf(toEnd, recentFrom),
    mentoringToEnd: everyLog.filter((l) => l.date <= period.to),
    ratings: ratingRows(sessions, comparisons, selfBehaviours),
    chart: calibrationChart(comparisons)?.calibration,
    comments,
    reflections: reflections.sort((a, b) => a.localDate.localeCompare(b.localDate) || a.id - b.id),
    picksOutside: picked.length - reflections.length,
  };
  return data;
}

/** The ids a portfolio's audit row names (never content). */
export function portfolioIds(data: PortfolioData): Record<string, number[]> {
  return {
    sessions: data.sessions.map((s) => s.id),
    mentoring: data.mentoring.map((l) => l.id),
    reflections: data.reflections.map((r) => r.id),
  };
}
