import { BEHAVIOUR_KEYS, type BehaviourKey } from './behaviours';
import { MARKER_IDS, type MarkerId, RUBRIC, type Rubric } from './rubric';
import type { Observation } from './sessions';

/**
 * Self beside mentor (issue #15, part 2, the reading side): for a coach, each client session a mentor rated, with
 * the coach's own ratings of it and the gap per behaviour and marker. The rows come from the store
 * (src/store/comparisons.ts, over migrations 20 and 22); this module is pure arithmetic on them, the wording is in
 * compare-message.ts and the command in compare-flow.ts.
 */

/** One side's ratings of a session: behaviours 1-5 and markers 4.1-4.4, each set with the rubric it was given under. */
export interface RatingSet {
  behaviours: Partial<Record<BehaviourKey, number>>;
  markers: Partial<Record<MarkerId, Observation>>;
  /** Rubric version of the behaviour ratings (null when there are none). */
  behaviourVersion: string | null;
  /** Rubric version of the marker ratings (null when there are none). */
  markerVersion: string | null;
  /** ISO instant of the latest rating in the set. */
  ratedAt: string | null;
}

/** A session a mentor rated, as the store reads it: no client code, no evidence, no comment. */
export interface MentorRatedSession {
  sessionId: number;
  coachId: number;
  /** The session's local date, "YYYY-MM-DD". */
  date: string;
  mentorCoachId: number | null;
  mentorName: string | null;
  mentor: RatingSet;
  /** The coach's own ratings of this session (session_behaviour_ratings and session_marker_ratings, rater 'self'). */
  self: RatingSet;
}

/** What a mentor sees of a session the coach shared with them (only while the relation is active). */
export interface MentorViewSession {
  sessionId: number;
  coachId: number;
  coachName: string | null;
  date: string;
  rubricVersion: string;
  sharedAt: string;
  /** The coach's own ratings of the session: numbers and observations only. */
  self: RatingSet;
  /** This mentor's ratings (empty until they rate it). */
  mentor: RatingSet;
}

export interface ComparisonRepository {
  /** Every (session, mentor) pair where a mentor rated one of the coach's sessions, oldest session first. */
  mentorRated(coachId: number): MentorRatedSession[];
  /** The sessions shared with this mentor under relations active now, oldest first; `coachId` narrows to one coach. */
  sharedWithMentor(mentorCoachId: number, coachId?: number): MentorViewSession[];
  /** The latest instant a mentor rated one of the coach's sessions within [fromIso, toIso), if any. */
  latestMentorRatingBetween(coachId: number, fromIso: string, toIso: string): string | undefined;
}

export const emptyRatingSet = (): RatingSet => ({
  behaviours: {},
  markers: {},
  behaviourVersion: null,
  markerVersion: null,
  ratedAt: null,
});

/** Where the coach's side of a comparison came from. */
export type SelfSource =
  | { kind: 'session' }
  | { kind: 'selfcheck'; date: string }
  /** Neither: the coach did not rate the session nor check in in the 7 days before it. */
  | { kind: 'none' };

/** Self-checks this many days before a session stand in for the coach's own ratings of it. */
export const SELF_CHECK_WINDOW_DAYS = 7;

export interface Gap<K extends string> {
  key: K;
  self: number | null;
  mentor: number | null;
  /** self − mentor, when both rated it under comparable rubrics; else null. */
  gap: number | null;
  /** Both rated it, under rubric versions that cannot be compared. */
  versionsDiffer: boolean;
}

export interface Comparison {
  sessionId: number;
  date: string;
  mentorCoachId: number | null;
  mentorName: string | null;
  mentorRatedAt: string | null;
  source: SelfSource;
  behaviourVersions: { self: string | null; mentor: string | null };
  markerVersions: { self: string | null; mentor: string | null };
  behaviours: Gap<BehaviourKey>[];
  markers: Gap<MarkerId>[];
  /** Mean |self − mentor| over the behaviours both rated comparably (the calibration gap); null when none. */
  meanGap: number | null;
  /** Means over the behaviours both rated comparably (the chart's two lines). */
  selfMean: number | null;
  mentorMean: number | null;
}

/** Markers as steps: not observed 0, partly 1, observed 2. */
export const OBSERVATION_STEP: Record<Observation, number> = { not_observed: 0, partly: 1, observed: 2 };

/** The rubrics Trellis knows: the one in force (a later one brings its mapping from the one before). */
export const KNOWN_RUBRICS: readonly Rubric[] = [RUBRIC];

/**
 * Whether figures under rubric versions `a` and `b` may be set side by side: the same version, or one's mapping
 * names the other as the version it maps from (rubric.ts: "a later version comes with a mapping").
 */
export function comparableVersions(a: string, b: string, rubrics: readonly Rubric[] = KNOWN_RUBRICS): boolean {
  if (a === b) return true;
  return rubrics.some((r) => (r.version === a && r.mapping?.from === b) || (r.version === b && r.mapping?.from === a));
}

/** A behaviour or marker key given under `from`, as the rubric `to` names it (through a mapping; else unchanged). */
export function mappedKey<K extends string>(
  key: K,
  from: string,
  to: string,
  what: 'behaviours' | 'markers',
  rubrics: readonly Rubric[] = KNOWN_RUBRICS,
): K {
  if (from === to) return key;
  const later = rubrics.find((r) => r.version === from && r.mapping?.from === to);
  return ((later?.mapping?.[what] as Record<string, string> | undefined)?.[key] as K | undefined) ?? key;
}

/** Re-keys a set of ratings given under `from` into the names of `to`. */
function remap<K extends string, V>(
  values: Partial<Record<K, V>>,
  from: string | null,
  to: string | null,
  what: 'behaviours' | 'markers',
  rubrics: readonly Rubric[],
): Partial<Record<K, V>> {
  if (!from || !to || from === to) return values;
  const out: Partial<Record<K, V>> = {};
  for (const [key, value] of Object.entries(values) as [K, V][]) out[mappedKey(key, from, to, what, rubrics)] = value;
  return out;
}

function gaps<K extends string>(
  keys: readonly K[],
  self: Partial<Record<K, number>>,
  mentor: Partial<Record<K, number>>,
  versions: { self: string | null; mentor: string | null },
  rubrics: readonly Rubric[],
): Gap<K>[] {
  const comparable =
    versions.self === null || versions.mentor === null || comparableVersions(versions.self, versions.mentor, rubrics);
  return keys
    .map((key) => {
      const s = self[key] ?? null;
      const m = mentor[key] ?? null;
      const both = s !== null && m !== null;
      return { key, self: s, mentor: m, gap: both && comparable ? s - m : null, versionsDiffer: both && !comparable };
    })
    .filter((g) => g.self !== null || g.mentor !== null);
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const mean = (values: readonly number[]) =>
  values.length ? round2(values.reduce((a, b) => a + b, 0) / values.length) : null;

/**
 * One comparison: the mentor's ratings beside the coach's own (`self` from the session, or from `fallback`, the
 * coach's latest self-check in the 7 days up to the session, when the coach did not rate the session's behaviours).
 */
export function compareSession(
  rated: MentorRatedSession,
  fallback?: { date: string; ratings: Partial<Record<BehaviourKey, number>>; rubricVersion: string },
  rubrics: readonly Rubric[] = KNOWN_RUBRICS,
): Comparison {
  const ownBehaviours = Object.keys(rated.self.behaviours).length > 0;
  const source: SelfSource = ownBehaviours
    ? { kind: 'session' }
    : fallback && Object.keys(fallback.ratings).length > 0
      ? { kind: 'selfcheck', date: fallback.date }
      : Object.keys(rated.self.markers).length > 0
        ? { kind: 'session' }
        : { kind: 'none' };
  const selfBehaviours = ownBehaviours ? rated.self.behaviours : source.kind === 'selfcheck' ? fallback?.ratings : {};
  const selfBehaviourVersion = ownBehaviours
    ? rated.self.behaviourVersion
    : source.kind === 'selfcheck'
      ? (fallback?.rubricVersion ?? null)
      : null;
  const behaviourVersions = { self: selfBehaviourVersion, mentor: rated.mentor.behaviourVersion };
  const markerVersions = { self: rated.self.markerVersion, mentor: rated.mentor.markerVersion };
  // The mentor's figures in the names of the coach's rubric, where a mapping links the two.
  const mentorBehaviours = remap(
    rated.mentor.behaviours,
    behaviourVersions.mentor,
    behaviourVersions.self,
    'behaviours',
    rubrics,
  );
  const mentorMarkers = remap(rated.mentor.markers, markerVersions.mentor, markerVersions.self, 'markers', rubrics);
  const steps = (m: Partial<Record<MarkerId, Observation>>) =>
    Object.fromEntries(Object.entries(m).map(([k, v]) => [k, OBSERVATION_STEP[v as Observation]])) as Partial<
      Record<MarkerId, number>
    >;
  const behaviours = gaps(BEHAVIOUR_KEYS, selfBehaviours ?? {}, mentorBehaviours, behaviourVersions, rubrics);
  const markers = gaps(MARKER_IDS, steps(rated.self.markers), steps(mentorMarkers), markerVersions, rubrics);
  const paired = behaviours.filter((g) => g.gap !== null);
  return {
    sessionId: rated.sessionId,
    date: rated.date,
    mentorCoachId: rated.mentorCoachId,
    mentorName: rated.mentorName,
    mentorRatedAt: rated.mentor.ratedAt,
    source,
    behaviourVersions,
    markerVersions,
    behaviours,
    markers,
    meanGap: mean(paired.map((g) => Math.abs(g.gap as number))),
    selfMean: mean(paired.map((g) => g.self as number)),
    mentorMean: mean(paired.map((g) => g.mentor as number)),
  };
}

/** Per behaviour or marker over many comparisons: how often the two agree, or the coach rates themself higher or lower. */
export interface Tally<K extends string> {
  key: K;
  agree: number;
  higher: number;
  lower: number;
}

export function tally<K extends string>(keys: readonly K[], each: readonly Gap<K>[][]): Tally<K>[] {
  return keys.map((key) => {
    const t = { key, agree: 0, higher: 0, lower: 0 };
    for (const list of each) {
      const g = list.find((x) => x.key === key)?.gap;
      if (g === null || g === undefined) continue;
      if (g === 0) t.agree++;
      else if (g > 0) t.higher++;
      else t.lower++;
    }
    return t;
  });
}

/** The calibration gap per month of the session dates ("2026-11"): mean |self − mentor| over every behaviour pair. */
export function gapByMonth(comparisons: readonly Comparison[]): { month: string; gap: number; sessions: number }[] {
  const months = new Map<string, { gaps: number[]; sessions: number }>();
  for (const c of comparisons) {
    const paired = c.behaviours.filter((g) => g.gap !== null);
    if (paired.length === 0) continue;
    const month = c.date.slice(0, 7);
    const entry = months.get(month) ?? { gaps: [], sessions: 0 };
    entry.gaps.push(...paired.map((g) => Math.abs(g.gap as number)));
    entry.sessions++;
    months.set(month, entry);
  }
  return [...months.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([month, e]) => ({ month, gap: mean(e.gaps) as number, sessions: e.sessions }));
}
