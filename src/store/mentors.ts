import type { BehaviourKey, Rating } from '../core/behaviours';
import type {
  MentorExport,
  MentorRelation,
  MentorRepository,
  MentorReview,
  RelationStatus,
  SessionShare,
  SharedSession,
  Side,
} from '../core/mentor-model';
import type { MarkerId } from '../core/rubric';
import type { Observation } from '../core/sessions';
import { plainTextCipher, type TextCipher } from './crypto';
import type { Db } from './db';
import { deliveryStore } from './deliveries';

/** The outbox's kind for every mentor DM (src/schedule/mentor-notices.ts builds them at send time). */
export const MENTOR_NOTICE_KIND = 'mentor';
/** The outbox slot of a notice: the recipient's local date, then the event (unique per DM). */
export const mentorSlot = (date: string, event: string) => `${date}#${event}`;
export const eventOfSlot = (slot: string): string | undefined =>
  /#([a-z]+-[rs]\d{1,12}(?:-\d{1,15})?)$/.exec(slot)?.[1];

/** The additional data bound into a sealed comment (see src/store/encryption.ts). */
const COMMENT_FIELD = 'session_comments.comment';

interface RelationRow {
  id: number;
  coach_id: number;
  mentor_coach_id: number;
  status: RelationStatus;
  invited_at: string;
  answered_at: string | null;
  ended_at: string | null;
  ended_by: Side | null;
}
interface ShareRow {
  id: number;
  session_id: number;
  relation_id: number;
  shared_at: string;
}

const toRelation = (r: RelationRow): MentorRelation => ({
  id: r.id,
  coachId: r.coach_id,
  mentorCoachId: r.mentor_coach_id,
  status: r.status,
  invitedAt: r.invited_at,
  answeredAt: r.answered_at,
  endedAt: r.ended_at,
  endedBy: r.ended_by,
});
const toShare = (r: ShareRow): SessionShare => ({
  id: r.id,
  sessionId: r.session_id,
  relationId: r.relation_id,
  sharedAt: r.shared_at,
});

/** Relations, shares, session ratings and mentors' comments (migrations 22 and 24); comments sealed like notes. */
export function mentorRepository(db: Db, cipher: TextCipher = plainTextCipher): MentorRepository {
  const deliveries = deliveryStore(db);
  const insertRelation = db.prepare(
    `INSERT INTO mentor_relations (coach_id, mentor_coach_id, status, invited_at) VALUES (?, ?, 'invited', ?)`,
  );
  const relationById = db.prepare<[number], RelationRow>('SELECT * FROM mentor_relations WHERE id = ?');
  const openBetween = db.prepare<[number, number], RelationRow>(
    `SELECT * FROM mentor_relations WHERE coach_id = ? AND mentor_coach_id = ? AND status IN ('invited', 'active')`,
  );
  const relationsOf = db.prepare<[number, number], RelationRow>(
    'SELECT * FROM mentor_relations WHERE coach_id = ? OR mentor_coach_id = ? ORDER BY id DESC',
  );
  const insertShare = db.prepare(
    `INSERT INTO session_shares (session_id, relation_id, shared_at) VALUES (?, ?, ?)
     ON CONFLICT (session_id, relation_id) DO NOTHING`,
  );
  const shareOf = db.prepare<[number, number], ShareRow>(
    'SELECT * FROM session_shares WHERE session_id = ? AND relation_id = ?',
  );
  const shareById = db.prepare<[number], ShareRow>('SELECT * FROM session_shares WHERE id = ?');
  const activeShare = db.prepare<[number, number], ShareRow>(
    `SELECT sh.* FROM session_shares sh JOIN mentor_relations r ON r.id = sh.relation_id
      WHERE sh.session_id = ? AND r.mentor_coach_id = ? AND r.status = 'active'`,
  );
  const sharedWith = db.prepare<
    [number, number],
    ShareRow & { coach_id: number; session_date: string; minutes: number; participants: number; rated: number }
  >(
    `SELECT sh.*, r.coach_id, s.session_date, s.minutes, s.participants,
            EXISTS (SELECT 1 FROM session_behaviour_ratings b
                     WHERE b.session_id = s.id AND b.rater = 'mentor' AND b.rater_coach_id = r.mentor_coach_id)
         OR EXISTS (SELECT 1 FROM session_marker_ratings m
                     WHERE m.session_id = s.id AND m.rater = 'mentor' AND m.rater_coach_id = ?) AS rated
       FROM session_shares sh
       JOIN mentor_relations r ON r.id = sh.relation_id
       JOIN client_sessions s ON s.id = sh.session_id
      WHERE r.mentor_coach_id = ? AND r.status = 'active'
      ORDER BY s.session_date, s.id`,
  );
  const sharesOfCoach = db.prepare<[number], ShareRow>(
    `SELECT sh.* FROM session_shares sh JOIN mentor_relations r ON r.id = sh.relation_id
      WHERE r.coach_id = ? ORDER BY sh.id`,
  );
  const behavioursOf = db.prepare<
    [number, string, number],
    { behaviour: BehaviourKey; rating: Rating; rubric_version: string; rated_at: string }
  >(
    `SELECT behaviour, rating, rubric_version, rated_at FROM session_behaviour_ratings
      WHERE session_id = ? AND rater = ? AND coalesce(rater_coach_id, 0) = ? ORDER BY id`,
  );
  const deleteBehaviours = db.prepare(
    'DELETE FROM session_behaviour_ratings WHERE session_id = ? AND rater = ? AND coalesce(rater_coach_id, 0) = ?',
  );
  const insertBehaviour = db.prepare(
    `INSERT INTO session_behaviour_ratings (session_id, rater, rater_coach_id, behaviour, rating, rubric_version, rated_at)
     VALUES (@sessionId, @rater, @raterCoachId, @behaviour, @rating, @rubricVersion, @ratedAt)`,
  );
  const deleteMarkers = db.prepare(
    `DELETE FROM session_marker_ratings WHERE session_id = ? AND rater = 'mentor' AND rater_coach_id = ?`,
  );
  const insertMarker = db.prepare(
    `INSERT INTO session_marker_ratings (session_id, rater, rater_coach_id, marker, observed, rubric_version, rated_at)
     VALUES (@sessionId, 'mentor', @mentorCoachId, @marker, @observed, @rubricVersion, @ratedAt)`,
  );
  const markersOf = db.prepare<[number, number], { marker: MarkerId; observed: Observation; rated_at: string }>(
    `SELECT marker, observed, rated_at FROM session_marker_ratings
      WHERE session_id = ? AND rater = 'mentor' AND rater_coach_id = ? ORDER BY marker`,
  );
  const upsertComment = db.prepare(
    `INSERT INTO session_comments (session_id, mentor_coach_id, comment, rubric_version, commented_at)
     VALUES (@sessionId, @mentorCoachId, @comment, @rubricVersion, @ratedAt)
     ON CONFLICT (session_id, mentor_coach_id) DO UPDATE SET comment = excluded.comment,
       rubric_version = excluded.rubric_version, commented_at = excluded.commented_at`,
  );
  const deleteComment = db.prepare('DELETE FROM session_comments WHERE session_id = ? AND mentor_coach_id = ?');
  const commentOf = db.prepare<[number, number], { comment: string; commented_at: string }>(
    'SELECT comment, commented_at FROM session_comments WHERE session_id = ? AND mentor_coach_id = ?',
  );
  const mentorsOfCoachSessions = db.prepare<[number, number], { session_id: number; mentor: number }>(
    `SELECT DISTINCT x.session_id, x.mentor FROM (
       SELECT session_id, rater_coach_id AS mentor FROM session_behaviour_ratings WHERE rater = 'mentor'
       UNION SELECT session_id, rater_coach_id FROM session_marker_ratings WHERE rater = 'mentor'
       UNION SELECT session_id, mentor_coach_id FROM session_comments) x
       JOIN client_sessions s ON s.id = x.session_id
      WHERE s.coach_id = ? AND x.mentor IS NOT NULL AND x.mentor <> ?
      ORDER BY x.session_id, x.mentor`,
  );
  const selfOfCoach = db.prepare<
    [number],
    { session_id: number; behaviour: BehaviourKey; rating: Rating; rubric_version: string }
  >(
    `SELECT b.session_id, b.behaviour, b.rating, b.rubric_version FROM session_behaviour_ratings b
       JOIN client_sessions s ON s.id = b.session_id
      WHERE s.coach_id = ? AND b.rater = 'self' ORDER BY b.session_id, b.id`,
  );
  const givenAsMentor = db.prepare<[number, number], { session_id: number; rated_at: string }>(
    `SELECT session_id, max(rated_at) AS rated_at FROM (
       SELECT session_id, rated_at FROM session_behaviour_ratings WHERE rater = 'mentor' AND rater_coach_id = ?
       UNION ALL SELECT session_id, rated_at FROM session_marker_ratings WHERE rater = 'mentor' AND rater_coach_id = ?)
      GROUP BY session_id ORDER BY session_id`,
  );
  const findLog = db.prepare<[number, string, number, string], { id: number; relation_id: number | null }>(
    `SELECT id, relation_id FROM mentoring_logs
      WHERE coach_id = ? AND session_date = ? AND minutes = ? AND logged_by = ? ORDER BY id`,
  );
  const linkLog = db.prepare('UPDATE mentoring_logs SET relation_id = ? WHERE id = ?');
  const insertLog = db.prepare(
    `INSERT INTO mentoring_logs (coach_id, session_date, minutes, group_size, mentor_name, created_at, relation_id, logged_by)
     VALUES (@coachId, @date, @minutes, @groupSize, NULL, @createdAt, @relationId, 'mentor')`,
  );

  const takeNotices = db.prepare<[string, number, string], { local_date: string }>(
    `UPDATE deliveries SET status = 'sent', attempts = attempts + 1, finished_at = ?
      WHERE coach_id = ? AND kind = '${MENTOR_NOTICE_KIND}' AND status = 'pending' AND due_at <= ?
      RETURNING local_date`,
  );

  const review = (sessionId: number, mentorCoachId: number): MentorReview | undefined => {
    const behaviours = behavioursOf.all(sessionId, 'mentor', mentorCoachId);
    const markers = markersOf.all(sessionId, mentorCoachId);
    const comment = commentOf.get(sessionId, mentorCoachId);
    if (behaviours.length + markers.length === 0 && !comment) return undefined;
    const times = [...behaviours.map((b) => b.rated_at), ...markers.map((m) => m.rated_at)];
    if (comment) times.push(comment.commented_at);
    return {
      sessionId,
      mentorCoachId,
      behaviours: Object.fromEntries(behaviours.map((b) => [b.behaviour, b.rating])),
      markers: markers.map((m) => ({ marker: m.marker, observed: m.observed })),
      comment: comment ? cipher.open(comment.comment, COMMENT_FIELD) : null,
      rubricVersion: behaviours[0]?.rubric_version ?? '',
      ratedAt: times.sort().at(-1) ?? '',
    };
  };

  return {
    invite(coachId, mentorCoachId, at) {
      const id = Number(insertRelation.run(coachId, mentorCoachId, at).lastInsertRowid);
      return toRelation(relationById.get(id) as RelationRow);
    },
    relation(id) {
      const row = relationById.get(id);
      return row ? toRelation(row) : undefined;
    },
    openBetween(coachId, mentorCoachId) {
      const row = openBetween.get(coachId, mentorCoachId);
      return row ? toRelation(row) : undefined;
    },
    relationsOf: (coachId) => relationsOf.all(coachId, coachId).map(toRelation),
    setStatus(id, from, to, at, endedBy) {
      const placeholders = from.map(() => '?').join(', ');
      const answered = to === 'active' || to === 'declined';
      const result = db
        .prepare(
          `UPDATE mentor_relations SET status = ?,
             answered_at = CASE WHEN ? THEN ? ELSE answered_at END,
             ended_at = CASE WHEN ? = 'ended' THEN ? ELSE ended_at END,
             ended_by = CASE WHEN ? = 'ended' THEN ? ELSE ended_by END
           WHERE id = ? AND status IN (${placeholders})`,
        )
        .run(to, answered ? 1 : 0, at, to, at, to, endedBy ?? null, id, ...from);
      return result.changes === 1;
    },
    share(sessionId, relationId, at) {
      const created = insertShare.run(sessionId, relationId, at).changes === 1;
      return { share: toShare(shareOf.get(sessionId, relationId) as ShareRow), created };
    },
    shareById(id) {
      const row = shareById.get(id);
      return row ? toShare(row) : undefined;
    },
    activeShare(sessionId, mentorCoachId) {
      const row = activeShare.get(sessionId, mentorCoachId);
      return row ? toShare(row) : undefined;
    },
    sharedWith: (mentorCoachId): SharedSession[] =>
      sharedWith.all(mentorCoachId, mentorCoachId).map((r) => ({
        shareId: r.id,
        sessionId: r.session_id,
        relationId: r.relation_id,
        coachId: r.coach_id,
        date: r.session_date,
        minutes: r.minutes,
        participants: r.participants,
        sharedAt: r.shared_at,
        rated: r.rated === 1,
      })),
    selfBehaviours: (sessionId) =>
      Object.fromEntries(behavioursOf.all(sessionId, 'self', 0).map((b) => [b.behaviour, b.rating])),
    setBehaviours(sessionId, rater, ratings, rubricVersion, at) {
      const raterCoachId = rater.kind === 'mentor' ? rater.coachId : null;
      deleteBehaviours.run(sessionId, rater.kind, raterCoachId ?? 0);
      for (const [behaviour, rating] of Object.entries(ratings)) {
        if (rating === undefined) continue;
        insertBehaviour.run({
          sessionId,
          rater: rater.kind,
          raterCoachId,
          behaviour,
          rating,
          rubricVersion,
          ratedAt: at,
        });
      }
    },
    setMentorReview(r) {
      const base = {
        sessionId: r.sessionId,
        mentorCoachId: r.mentorCoachId,
        rubricVersion: r.rubricVersion,
        ratedAt: r.ratedAt,
      };
      deleteMarkers.run(r.sessionId, r.mentorCoachId);
      for (const m of r.markers) insertMarker.run({ ...base, marker: m.marker, observed: m.observed });
      if (r.comment === null) deleteComment.run(r.sessionId, r.mentorCoachId);
      else upsertComment.run({ ...base, comment: cipher.seal(r.comment, COMMENT_FIELD) });
    },
    mentorReview: review,
    queueNotice(n) {
      return deliveries.enqueue(
        {
          recipient: `coach:${n.coachId}`,
          coachId: n.coachId,
          platform: n.platform,
          kind: MENTOR_NOTICE_KIND,
          localDate: mentorSlot(n.localDate, n.event),
          dueAt: n.at,
        },
        n.at,
      );
    },
    takeNotices: (coachId, at) =>
      takeNotices
        .all(at, coachId, at)
        .map((r) => eventOfSlot(r.local_date))
        .filter((e): e is string => e !== undefined),
    findMentoringLog(coachId, date, minutes, by, relationIds) {
      const rows = findLog.all(coachId, date, minutes, by);
      const row = relationIds
        ? rows.find((r) => r.relation_id === null || relationIds.includes(r.relation_id))
        : rows[0];
      return row ? { id: row.id, relationId: row.relation_id } : undefined;
    },
    linkMentoringLog(logId, relationId) {
      linkLog.run(relationId, logId);
    },
    addMentorLog: (log) => Number(insertLog.run(log).lastInsertRowid),
    exportFor(coachId): MentorExport | undefined {
      const relations = relationsOf
        .all(coachId, coachId)
        .map((r) => ({ ...toRelation(r), side: (r.coach_id === coachId ? 'coach' : 'mentor') as Side }))
        .reverse();
      const found: MentorExport = {
        relations,
        shares: sharesOfCoach.all(coachId).map(toShare),
        selfBehaviourRatings: selfOfCoach.all(coachId).map((r) => ({
          sessionId: r.session_id,
          behaviour: r.behaviour,
          rating: r.rating,
          rubricVersion: r.rubric_version,
        })),
        mentorReviews: mentorsOfCoachSessions
          .all(coachId, coachId)
          .map((r) => review(r.session_id, r.mentor))
          .filter((r): r is MentorReview => r !== undefined),
        givenAsMentor: givenAsMentor
          .all(coachId, coachId)
          .map((r) => ({ sessionId: r.session_id, ratedAt: r.rated_at })),
      };
      const any =
        found.relations.length + found.shares.length + found.selfBehaviourRatings.length + found.mentorReviews.length;
      return any + found.givenAsMentor.length > 0 ? found : undefined;
    },
  };
}
