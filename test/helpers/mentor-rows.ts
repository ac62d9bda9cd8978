import Database from 'better-sqlite3';
import type { BehaviourKey } from '../../src/core/behaviours';
import type { MarkerId } from '../../src/core/rubric';
import type { Observation } from '../../src/core/sessions';
import type { Db } from '../../src/store';

/**
 * Rows of migration 22 (mentor relations, shared sessions, behaviour ratings of a session) written with plain SQL,
 * for the reading side's tests: the writing side's commands (invite, share, the mentor's card) live on another
 * branch. Works on an open database or on a driver's database file (opened, written, closed).
 */

export type Rows = Db | Database.Database;

export function withDbFile<T>(file: string, work: (db: Database.Database) => T): T {
  const db = new Database(file);
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  try {
    return work(db);
  } finally {
    db.close();
  }
}

/** A coach row's id by platform user id (the driver's coach, once they typed something). */
export function coachIdOf(db: Rows, user: string): number {
  const row = db.prepare('SELECT id FROM coaches WHERE user_id = ? ORDER BY id LIMIT 1').get(user) as
    | { id: number }
    | undefined;
  if (!row) throw new Error(`no coach with user id ${user}`);
  return row.id;
}

/** A mentor coach: a coach row of their own (a mentor is a coach of Trellis too). */
export function addMentorCoach(db: Rows, ref: { platform: string; tenant: string; user: string; name?: string }) {
  const result = db
    .prepare(
      `INSERT INTO coaches (platform, tenant, user_id, display_name, created_at)
       VALUES (?, ?, ?, ?, '2026-01-01T00:00:00.000Z')`,
    )
    .run(ref.platform, ref.tenant, ref.user, ref.name ?? null);
  return Number(result.lastInsertRowid);
}

export function addRelation(
  db: Rows,
  coachId: number,
  mentorCoachId: number,
  status: 'invited' | 'active' | 'declined' | 'ended' = 'active',
  at = '2026-10-01T09:00:00.000Z',
): number {
  const result = db
    .prepare(
      `INSERT INTO mentor_relations (coach_id, mentor_coach_id, status, invited_at, answered_at, ended_at, ended_by)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      coachId,
      mentorCoachId,
      status,
      at,
      status === 'invited' ? null : at,
      status === 'ended' ? at : null,
      status === 'ended' ? 'coach' : null,
    );
  return Number(result.lastInsertRowid);
}

export function endRelation(db: Rows, relationId: number, at = '2026-12-01T09:00:00.000Z'): void {
  db.prepare(`UPDATE mentor_relations SET status = 'ended', ended_at = ?, ended_by = 'mentor' WHERE id = ?`).run(
    at,
    relationId,
  );
}

/** A client session of the coach, with the coach's own marker ratings (rater 'self'). */
export function addSession(
  db: Rows,
  coachId: number,
  date: string,
  options: { clientCode?: string; markers?: Partial<Record<MarkerId, Observation>>; evidence?: string } = {},
): number {
  const result = db
    .prepare(
      `INSERT INTO client_sessions (coach_id, session_date, minutes, paid, participants, client_code, rubric_version,
         created_at)
       VALUES (?, ?, 60, 1, 1, ?, '2025.1', ?)`,
    )
    .run(coachId, date, options.clientCode ?? 'C17', `${date}T18:00:00.000Z`);
  const id = Number(result.lastInsertRowid);
  for (const [key, observed] of Object.entries(options.markers ?? {}))
    addMarkerRating(db, id, 'self', null, key as MarkerId, observed as Observation, `${date}T18:00:00.000Z`, {
      evidence: options.evidence,
    });
  return id;
}

export function share(db: Rows, sessionId: number, relationId: number, at = '2026-11-01T09:00:00.000Z'): void {
  db.prepare('INSERT INTO session_shares (session_id, relation_id, shared_at) VALUES (?, ?, ?)').run(
    sessionId,
    relationId,
    at,
  );
}

export function addBehaviourRatings(
  db: Rows,
  sessionId: number,
  rater: 'self' | 'mentor',
  raterCoachId: number | null,
  ratings: Partial<Record<BehaviourKey, number>>,
  ratedAt: string,
  rubricVersion = '2025.1',
): void {
  const insert = db.prepare(
    `INSERT INTO session_behaviour_ratings (session_id, rater, rater_coach_id, behaviour, rating, rubric_version,
       rated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const [key, rating] of Object.entries(ratings))
    insert.run(sessionId, rater, raterCoachId, key, rating, rubricVersion, ratedAt);
}

export function addMarkerRating(
  db: Rows,
  sessionId: number,
  rater: 'self' | 'mentor',
  raterCoachId: number | null,
  markerId: MarkerId,
  observed: Observation,
  ratedAt: string,
  options: { evidence?: string; rubricVersion?: string } = {},
): void {
  db.prepare(
    `INSERT INTO session_marker_ratings (session_id, rater, rater_coach_id, marker, observed, evidence, rubric_version,
       rated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    sessionId,
    rater,
    raterCoachId,
    markerId,
    observed,
    options.evidence ?? null,
    options.rubricVersion ?? '2025.1',
    ratedAt,
  );
}

/** A mentor's whole rating of a shared session: behaviours and markers at once, as their card would store them. */
export function mentorRates(
  db: Rows,
  sessionId: number,
  mentorCoachId: number,
  behaviours: Partial<Record<BehaviourKey, number>>,
  markers: Partial<Record<MarkerId, Observation>>,
  ratedAt: string,
  rubricVersion = '2025.1',
): void {
  addBehaviourRatings(db, sessionId, 'mentor', mentorCoachId, behaviours, ratedAt, rubricVersion);
  for (const [key, observed] of Object.entries(markers))
    addMarkerRating(db, sessionId, 'mentor', mentorCoachId, key as MarkerId, observed as Observation, ratedAt, {
      rubricVersion,
    });
}
