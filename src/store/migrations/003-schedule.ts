import type { Migration } from './index';

/**
 * Scheduling and delivery.
 * - coaches.next_due_utc: the next instant a prompt is due, in UTC, indexed per platform, so the per-minute
 *   tick reads only the coaches who are due (the cost does not grow with the number of coaches).
 * - coaches.unreachable_*: the coach blocked the bot or left; no more prompts until they write again.
 * - deliveries: the outbox. A row is written under a unique (recipient, kind, local date) before a send and
 *   marked after it, so neither a double tick, a crash nor a second process sends the same thing twice.
 */
export const schedule: Migration = {
  version: 3,
  name: 'next due instant per coach, unreachable marker, delivery outbox',
  sql: `
    ALTER TABLE coaches ADD COLUMN next_due_utc TEXT;
    ALTER TABLE coaches ADD COLUMN unreachable_since TEXT;
    ALTER TABLE coaches ADD COLUMN unreachable_reason TEXT;
    CREATE INDEX coaches_next_due ON coaches (platform, next_due_utc);

    CREATE TABLE deliveries (
      id INTEGER PRIMARY KEY,
      -- "coach:<id>" for a coach's DM, "channel:<tenant>:<channel id>" for a channel.
      recipient TEXT NOT NULL,
      coach_id INTEGER REFERENCES coaches(id) ON DELETE CASCADE,
      platform TEXT NOT NULL,
      -- 'prompt', 'snooze', 'weekly', 'digest', ...: a producer per kind builds the message at send time.
      kind TEXT NOT NULL,
      local_date TEXT NOT NULL,
      due_at TEXT NOT NULL,
      status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at TEXT NOT NULL,
      -- Set when a claim was abandoned (a crash mid-send): ask the platform before sending again.
      uncertain INTEGER NOT NULL DEFAULT 0,
      claim_token TEXT,
      claimed_at TEXT,
      message_id TEXT,
      error TEXT,
      created_at TEXT NOT NULL,
      finished_at TEXT,
      UNIQUE (recipient, kind, local_date)
    );
    CREATE INDEX deliveries_ready ON deliveries (platform, status, next_attempt_at);
    CREATE INDEX deliveries_by_coach ON deliveries (coach_id);
    CREATE INDEX prompt_issues_snoozed ON prompt_issues (local_date) WHERE status = 'snoozed';
  `,
};
