import type { Migration } from './index';

export const initial: Migration = {
  version: 1,
  name: 'coaches, self-checks, prompts issued and reflections',
  sql: `
    CREATE TABLE coaches (
      id INTEGER PRIMARY KEY,
      platform TEXT NOT NULL CHECK (platform IN ('slack', 'teams', 'console')),
      tenant TEXT NOT NULL,
      user_id TEXT NOT NULL,
      display_name TEXT,
      prompt_time TEXT NOT NULL DEFAULT '09:00',
      prompt_days TEXT NOT NULL DEFAULT '1,2,3,4,5',
      time_zone TEXT NOT NULL DEFAULT 'UTC',
      level TEXT CHECK (level IN ('ACC', 'PCC', 'MCC')),
      paused_until TEXT,
      created_at TEXT NOT NULL,
      UNIQUE (platform, tenant, user_id)
    );

    CREATE TABLE self_checks (
      id INTEGER PRIMARY KEY,
      coach_id INTEGER NOT NULL REFERENCES coaches(id) ON DELETE CASCADE,
      checked_at TEXT NOT NULL,
      local_date TEXT NOT NULL,
      context INTEGER CHECK (context BETWEEN 1 AND 5),
      respect INTEGER CHECK (respect BETWEEN 1 AND 5),
      talents INTEGER CHECK (talents BETWEEN 1 AND 5),
      empathy INTEGER CHECK (empathy BETWEEN 1 AND 5),
      feelings INTEGER CHECK (feelings BETWEEN 1 AND 5),
      openness INTEGER CHECK (openness BETWEEN 1 AND 5),
      note TEXT
    );
    CREATE INDEX self_checks_by_coach_date ON self_checks (coach_id, local_date);

    CREATE TABLE prompt_issues (
      id INTEGER PRIMARY KEY,
      coach_id INTEGER NOT NULL REFERENCES coaches(id) ON DELETE CASCADE,
      prompt_id TEXT NOT NULL,
      local_date TEXT NOT NULL,
      issued_at TEXT NOT NULL,
      status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'answered', 'skipped', 'snoozed')),
      UNIQUE (coach_id, local_date)
    );

    CREATE TABLE reflections (
      id INTEGER PRIMARY KEY,
      coach_id INTEGER NOT NULL REFERENCES coaches(id) ON DELETE CASCADE,
      prompt_issue_id INTEGER REFERENCES prompt_issues(id) ON DELETE SET NULL,
      prompt_id TEXT,
      text TEXT NOT NULL,
      created_at TEXT NOT NULL,
      local_date TEXT NOT NULL
    );
    CREATE INDEX reflections_by_coach_date ON reflections (coach_id, local_date);
  `,
};
