import type { Migration } from './index';

/**
 * The credential journey (issue #15, src/core/journey.ts): client sessions as a coach logs them for ICF, the
 * coach's marker ratings of a session (with sealed evidence lines), mentor-coaching hours, the session-ended hook's
 * events (each handled once), the after-session setting and the email a platform reported for a coach.
 * Every row goes with the coach's row on a delete (ON DELETE CASCADE).
 *
 * A marker rating names its rater: 'self' now; a mentor's rating of a shared session (a later part) will use
 * rater 'mentor' with the mentor's coach id, against the same session id.
 */
export const credentialJourney: Migration = {
  version: 20,
  name: 'client sessions, marker ratings, mentor coaching, session-ended events',
  sql: `
    CREATE TABLE client_sessions (
      id INTEGER PRIMARY KEY,
      coach_id INTEGER NOT NULL REFERENCES coaches(id) ON DELETE CASCADE,
      session_date TEXT NOT NULL,
      minutes INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 600),
      paid INTEGER NOT NULL CHECK (paid IN (0, 1)),
      -- 1 for an individual session; 2 or more for a group.
      participants INTEGER NOT NULL CHECK (participants BETWEEN 1 AND 100),
      -- Chosen by the coach (never a name); sealed like notes when a key is set.
      client_code TEXT NOT NULL,
      rubric_version TEXT NOT NULL,
      -- The question offered after the session (a prompt id), if any.
      question_prompt_id TEXT,
      created_at TEXT NOT NULL,
      request_key TEXT
    );
    CREATE INDEX client_sessions_by_coach ON client_sessions (coach_id, session_date, minutes, paid);
    CREATE UNIQUE INDEX client_sessions_request_key ON client_sessions (request_key) WHERE request_key IS NOT NULL;

    CREATE TABLE session_marker_ratings (
      id INTEGER PRIMARY KEY,
      session_id INTEGER NOT NULL REFERENCES client_sessions(id) ON DELETE CASCADE,
      rater TEXT NOT NULL DEFAULT 'self' CHECK (rater IN ('self', 'mentor')),
      rater_coach_id INTEGER REFERENCES coaches(id) ON DELETE CASCADE,
      marker TEXT NOT NULL CHECK (marker IN ('4.1', '4.2', '4.3', '4.4')),
      observed TEXT NOT NULL CHECK (observed IN ('observed', 'partly', 'not_observed')),
      -- Sealed like notes; never logged.
      evidence TEXT,
      rubric_version TEXT NOT NULL,
      rated_at TEXT NOT NULL
    );
    CREATE UNIQUE INDEX session_marker_ratings_once
      ON session_marker_ratings (session_id, rater, coalesce(rater_coach_id, 0), marker);

    CREATE TABLE mentoring_logs (
      id INTEGER PRIMARY KEY,
      coach_id INTEGER NOT NULL REFERENCES coaches(id) ON DELETE CASCADE,
      session_date TEXT NOT NULL,
      minutes INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 600),
      -- 1 for one-to-one; otherwise the group's size.
      group_size INTEGER NOT NULL CHECK (group_size BETWEEN 1 AND 100),
      -- Optional; sealed like notes.
      mentor_name TEXT,
      created_at TEXT NOT NULL,
      request_key TEXT
    );
    CREATE INDEX mentoring_logs_by_coach ON mentoring_logs (coach_id, session_date);
    CREATE UNIQUE INDEX mentoring_logs_request_key ON mentoring_logs (request_key) WHERE request_key IS NOT NULL;

    CREATE TABLE session_end_events (
      id INTEGER PRIMARY KEY,
      coach_id INTEGER NOT NULL REFERENCES coaches(id) ON DELETE CASCADE,
      -- The sender's id for the event, or the instant it ended: each is handled once per coach.
      dedupe_key TEXT NOT NULL,
      ended_at TEXT NOT NULL,
      minutes INTEGER,
      -- Sealed like notes.
      client_code TEXT,
      received_at TEXT NOT NULL,
      UNIQUE (coach_id, dedupe_key)
    );

    CREATE TABLE journey_settings (
      coach_id INTEGER PRIMARY KEY REFERENCES coaches(id) ON DELETE CASCADE,
      -- Minutes after a session ends before the after-session form is sent; NULL = off.
      after_session_minutes INTEGER CHECK (after_session_minutes BETWEEN 0 AND 1440)
    );

    CREATE TABLE coach_emails (
      coach_id INTEGER PRIMARY KEY REFERENCES coaches(id) ON DELETE CASCADE,
      email TEXT NOT NULL
    );
    CREATE INDEX coach_emails_by_email ON coach_emails (email);
  `,
};
