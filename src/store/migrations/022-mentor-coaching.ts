import type { Migration } from './index';

/**
 * A mentor coach beside the coach (issue #15, part 2). The contract between the writing side (invite, consent,
 * share, the mentor's rating: src/core/mentors.ts) and the reading side (compare, portfolio).
 *
 * - mentor_relations: one row per invitation. status 'invited' until the invitee accepts ('active') or declines
 *   ('declined'); either side ends an active one ('ended'). At most one open (invited or active) relation per
 *   coach and mentor pair. A relation goes with either side's coach row.
 * - session_shares: a client session the coach shared with a mentor under a relation. A mentor sees only the
 *   sessions shared with them, and only while the relation is active.
 * - session_behaviour_ratings: a rating 1-5 of one of the six behaviours for one session, by the coach ('self') or
 *   by a mentor ('mentor', with rater_coach_id). Marker ratings stay in session_marker_ratings (migration 20),
 *   which already allows rater 'mentor'.
 * - session_comments: a mentor's comment on a shared session; sealed like notes.
 * Every row goes with the coach's row on delete (ON DELETE CASCADE), and a mentor's rating goes with the session.
 */
export const mentorCoaching: Migration = {
  version: 22,
  name: 'mentor relations, shared sessions, behaviour ratings of a session, mentor comments',
  sql: `
    CREATE TABLE mentor_relations (
      id INTEGER PRIMARY KEY,
      coach_id INTEGER NOT NULL REFERENCES coaches(id) ON DELETE CASCADE,
      mentor_coach_id INTEGER NOT NULL REFERENCES coaches(id) ON DELETE CASCADE,
      status TEXT NOT NULL CHECK (status IN ('invited', 'active', 'declined', 'ended')),
      invited_at TEXT NOT NULL,
      answered_at TEXT,
      ended_at TEXT,
      -- 'coach' or 'mentor': who ended it.
      ended_by TEXT CHECK (ended_by IN ('coach', 'mentor')),
      CHECK (coach_id <> mentor_coach_id)
    );
    CREATE UNIQUE INDEX mentor_relations_open
      ON mentor_relations (coach_id, mentor_coach_id) WHERE status IN ('invited', 'active');
    CREATE INDEX mentor_relations_by_mentor ON mentor_relations (mentor_coach_id, status);

    CREATE TABLE session_shares (
      id INTEGER PRIMARY KEY,
      session_id INTEGER NOT NULL REFERENCES client_sessions(id) ON DELETE CASCADE,
      relation_id INTEGER NOT NULL REFERENCES mentor_relations(id) ON DELETE CASCADE,
      shared_at TEXT NOT NULL,
      UNIQUE (session_id, relation_id)
    );
    CREATE INDEX session_shares_by_relation ON session_shares (relation_id);

    CREATE TABLE session_behaviour_ratings (
      id INTEGER PRIMARY KEY,
      session_id INTEGER NOT NULL REFERENCES client_sessions(id) ON DELETE CASCADE,
      rater TEXT NOT NULL CHECK (rater IN ('self', 'mentor')),
      rater_coach_id INTEGER REFERENCES coaches(id) ON DELETE CASCADE,
      behaviour TEXT NOT NULL CHECK (behaviour IN ('context', 'respect', 'talents', 'empathy', 'feelings', 'openness')),
      rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
      rubric_version TEXT NOT NULL,
      rated_at TEXT NOT NULL
    );
    CREATE UNIQUE INDEX session_behaviour_ratings_once
      ON session_behaviour_ratings (session_id, rater, coalesce(rater_coach_id, 0), behaviour);

    CREATE TABLE session_comments (
      id INTEGER PRIMARY KEY,
      session_id INTEGER NOT NULL REFERENCES client_sessions(id) ON DELETE CASCADE,
      mentor_coach_id INTEGER NOT NULL REFERENCES coaches(id) ON DELETE CASCADE,
      -- Sealed like notes; never logged.
      comment TEXT NOT NULL,
      rubric_version TEXT NOT NULL,
      commented_at TEXT NOT NULL,
      UNIQUE (session_id, mentor_coach_id)
    );
  `,
};
