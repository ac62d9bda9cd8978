import type { Migration } from './index';

/**
 * Peer-supervision groups (one per channel), their members, the reflections coaches chose to share with them,
 * and the client company names a coach wants sharing to watch for.
 * The two extra indexes let the weekly summaries read one date range for every coach in one pass.
 */
export const groups: Migration = {
  version: 5,
  name: 'peer-supervision groups, memberships, shared reflections, client companies',
  sql: `
    CREATE TABLE groups (
      id INTEGER PRIMARY KEY,
      platform TEXT NOT NULL CHECK (platform IN ('slack', 'teams', 'console')),
      tenant TEXT NOT NULL,
      channel_id TEXT NOT NULL,
      name TEXT,
      digest_weekday INTEGER NOT NULL DEFAULT 5 CHECK (digest_weekday BETWEEN 1 AND 7),
      digest_time TEXT NOT NULL DEFAULT '15:00',
      time_zone TEXT NOT NULL,
      created_by INTEGER REFERENCES coaches(id) ON DELETE SET NULL,
      created_at TEXT NOT NULL,
      UNIQUE (platform, tenant, channel_id)
    );

    CREATE TABLE group_members (
      group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
      coach_id INTEGER NOT NULL REFERENCES coaches(id) ON DELETE CASCADE,
      joined_at TEXT NOT NULL,
      left_at TEXT,
      PRIMARY KEY (group_id, coach_id)
    );
    -- Covering for the digest join from self-checks to their coach's groups.
    CREATE INDEX group_members_by_coach ON group_members (coach_id, left_at, group_id);

    CREATE TABLE shared_reflections (
      reflection_id INTEGER NOT NULL REFERENCES reflections(id) ON DELETE CASCADE,
      group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
      -- ISO instant: a digest carries what was shared in the seven days before it goes out.
      shared_at TEXT NOT NULL,
      PRIMARY KEY (reflection_id, group_id)
    );
    CREATE INDEX shared_reflections_by_group_time ON shared_reflections (group_id, shared_at);

    -- Client company names are confidential: company_text is sealed like notes when a key is set.
    CREATE TABLE coach_client_companies (
      id INTEGER PRIMARY KEY,
      coach_id INTEGER NOT NULL REFERENCES coaches(id) ON DELETE CASCADE,
      company_text TEXT NOT NULL
    );
    CREATE INDEX coach_client_companies_by_coach ON coach_client_companies (coach_id);

    CREATE INDEX self_checks_by_date ON self_checks
      (local_date, coach_id, context, respect, talents, empathy, feelings, openness);
    CREATE INDEX reflections_by_date ON reflections (local_date, coach_id);
  `,
};
