import type { BehaviourKey } from '../core/behaviours';
import {
  type ComparisonRepository,
  emptyRatingSet,
  type MentorRatedSession,
  type MentorViewSession,
  type RatingSet,
} from '../core/compare';
import type { MarkerId } from '../core/rubric';
import type { Observation } from '../core/sessions';
import type { Db } from './db';

/**
 * The read model behind `/selfcheck compare` and a mentor's view (src/core/compare.ts), over client_sessions and
 * session_marker_ratings (migration 20) and mentor_relations, session_shares and session_behaviour_ratings
 * (migration 22). It reads numbers and observations only: never a client code, an evidence line or a comment.
 */

interface BehaviourRow {
  session_id: number;
  rater: 'self' | 'mentor';
  rater_coach_id: number | null;
  behaviour: BehaviourKey;
  rating: number;
  rubric_version: string;
  rated_at: string;
}
interface MarkerRow {
  session_id: number;
  rater: 'self' | 'mentor';
  rater_coach_id: number | null;
  marker: MarkerId;
  observed: Observation;
  rubric_version: string;
  rated_at: string;
}
interface PairRow {
  session_id: number;
  session_date: string;
  mentor_id: number | null;
  mentor_name: string | null;
}
interface SharedRow {
  session_id: number;
  coach_id: number;
  coach_name: string | null;
  session_date: string;
  rubric_version: string;
  shared_at: string;
}

/** Adds one rating row to a set: the set's version is the version of its latest row. */
function addTo(set: RatingSet, row: BehaviourRow | MarkerRow): void {
  const latest = set.ratedAt === null || row.rated_at >= set.ratedAt;
  if ('behaviour' in row) {
    set.behaviours[row.behaviour] = row.rating;
    if (set.behaviourVersion === null || latest) set.behaviourVersion = row.rubric_version;
  } else {
    set.markers[row.marker] = row.observed;
    if (set.markerVersion === null || latest) set.markerVersion = row.rubric_version;
  }
  if (latest) set.ratedAt = row.rated_at;
}

/** Ratings grouped by session and rater ("self", or "mentor:<id>"). */
function group(rows: readonly (BehaviourRow | MarkerRow)[]): Map<number, Map<string, RatingSet>> {
  const bySession = new Map<number, Map<string, RatingSet>>();
  for (const row of rows) {
    let raters = bySession.get(row.session_id);
    if (!raters) {
      raters = new Map();
      bySession.set(row.session_id, raters);
    }
    const who = row.rater === 'self' ? 'self' : `mentor:${row.rater_coach_id ?? 0}`;
    let set = raters.get(who);
    if (!set) {
      set = emptyRatingSet();
      raters.set(who, set);
    }
    addTo(set, row);
  }
  return bySession;
}

export function comparisonRepository(db: Db): ComparisonRepository {
  const pairs = db.prepare<[number, number], PairRow>(
    // From the coach's sessions into each ratings table by its (session_id, rater, …) index: never a scan of
    // every coach's ratings.
    `SELECT p.session_id, p.session_date, p.mentor_id, c.display_name AS mentor_name FROM (
        SELECT s.id AS session_id, s.session_date, b.rater_coach_id AS mentor_id
          FROM client_sessions s JOIN session_behaviour_ratings b ON b.session_id = s.id AND b.rater = 'mentor'
         WHERE s.coach_id = ?
        UNION
        SELECT s.id, s.session_date, m.rater_coach_id
          FROM client_sessions s JOIN session_marker_ratings m ON m.session_id = s.id AND m.rater = 'mentor'
         WHERE s.coach_id = ?) p
       LEFT JOIN coaches c ON c.id = p.mentor_id
      ORDER BY p.session_date, p.session_id, p.mentor_id`,
  );
  const behavioursOfCoach = db.prepare<[number], BehaviourRow>(
    `SELECT b.session_id, b.rater, b.rater_coach_id, b.behaviour, b.rating, b.rubric_version, b.rated_at
       FROM session_behaviour_ratings b JOIN client_sessions s ON s.id = b.session_id
      WHERE s.coach_id = ? ORDER BY b.rated_at, b.id`,
  );
  const markersOfCoach = db.prepare<[number], MarkerRow>(
    `SELECT m.session_id, m.rater, m.rater_coach_id, m.marker, m.observed, m.rubric_version, m.rated_at
       FROM session_marker_ratings m JOIN client_sessions s ON s.id = m.session_id
      WHERE s.coach_id = ? ORDER BY m.rated_at, m.id`,
  );
  // Only relations active now: a mentor loses the view when either side ends it.
  const shared = db.prepare<[number, number | null, number | null], SharedRow>(
    `SELECT s.id AS session_id, s.coach_id, c.display_name AS coach_name, s.session_date, s.rubric_version,
            min(sh.shared_at) AS shared_at
       FROM session_shares sh
       JOIN mentor_relations m ON m.id = sh.relation_id
       JOIN client_sessions s ON s.id = sh.session_id AND s.coach_id = m.coach_id
       JOIN coaches c ON c.id = s.coach_id
      WHERE m.mentor_coach_id = ? AND m.status = 'active' AND (? IS NULL OR m.coach_id = ?)
      GROUP BY s.id
      ORDER BY s.session_date, s.id`,
  );
  const behavioursOfSession = db.prepare<[number, number], BehaviourRow>(
    `SELECT session_id, rater, rater_coach_id, behaviour, rating, rubric_version, rated_at
       FROM session_behaviour_ratings
      WHERE session_id = ? AND (rater = 'self' OR rater_coach_id = ?) ORDER BY rated_at, id`,
  );
  const markersOfSession = db.prepare<[number, number], MarkerRow>(
    `SELECT session_id, rater, rater_coach_id, marker, observed, rubric_version, rated_at
       FROM session_marker_ratings
      WHERE session_id = ? AND (rater = 'self' OR rater_coach_id = ?) ORDER BY rated_at, id`,
  );
  const latestRating = db.prepare<[number, string, string, number, string, string], { at: string | null }>(
    `SELECT max(at) AS at FROM (
       SELECT b.rated_at AS at FROM session_behaviour_ratings b JOIN client_sessions s ON s.id = b.session_id
        WHERE s.coach_id = ? AND b.rater = 'mentor' AND b.rated_at >= ? AND b.rated_at < ?
       UNION ALL
       SELECT m.rated_at FROM session_marker_ratings m JOIN client_sessions s ON s.id = m.session_id
        WHERE s.coach_id = ? AND m.rater = 'mentor' AND m.rated_at >= ? AND m.rated_at < ?)`,
  );

  return {
    mentorRated(coachId) {
      const list = pairs.all(coachId, coachId);
      if (list.length === 0) return [];
      const ratings = group([...behavioursOfCoach.all(coachId), ...markersOfCoach.all(coachId)]);
      return list.map(
        (p): MentorRatedSession => ({
          sessionId: p.session_id,
          coachId,
          date: p.session_date,
          mentorCoachId: p.mentor_id,
          mentorName: p.mentor_name,
          mentor: ratings.get(p.session_id)?.get(`mentor:${p.mentor_id ?? 0}`) ?? emptyRatingSet(),
          self: ratings.get(p.session_id)?.get('self') ?? emptyRatingSet(),
        }),
      );
    },
    sharedWithMentor(mentorCoachId, coachId) {
      return shared.all(mentorCoachId, coachId ?? null, coachId ?? null).map((row): MentorViewSession => {
        const raters = group([
          ...behavioursOfSession.all(row.session_id, mentorCoachId),
          ...markersOfSession.all(row.session_id, mentorCoachId),
        ]).get(row.session_id);
        return {
          sessionId: row.session_id,
          coachId: row.coach_id,
          coachName: row.coach_name,
          date: row.session_date,
          rubricVersion: row.rubric_version,
          sharedAt: row.shared_at,
          self: raters?.get('self') ?? emptyRatingSet(),
          mentor: raters?.get(`mentor:${mentorCoachId}`) ?? emptyRatingSet(),
        };
      });
    },
    latestMentorRatingBetween(coachId, fromIso, toIso) {
      return latestRating.get(coachId, fromIso, toIso, coachId, fromIso, toIso)?.at ?? undefined;
    },
  };
}
