import type { Migration } from './index';

/**
 * What Trellis posted on a platform, by id only (never content), so it can remove it again: a coach's DMs and
 * files, and channel posts. Rows are keyed by platform, tenant and user, not by a coach row, so they outlive a
 * deleted coach until their removal is done; a removal run (one per coach's request) counts what was removed for
 * the coach's last message, then goes, and a removed row goes with it.
 */
export const platformMessages: Migration = {
  version: 10,
  name: 'platform messages and files Trellis posted, and their removal queue',
  sql: `
    CREATE TABLE platform_removals (
      id INTEGER PRIMARY KEY,
      platform TEXT NOT NULL,
      tenant TEXT NOT NULL,
      user_id TEXT NOT NULL,
      reason TEXT NOT NULL CHECK (reason IN ('delete', 'messages')),
      -- Where the last word goes once every item is settled (Teams: the chat and its service URL).
      conversation TEXT,
      service_url TEXT,
      requested_at TEXT NOT NULL,
      removed INTEGER NOT NULL DEFAULT 0,
      failed INTEGER NOT NULL DEFAULT 0,
      report_claimed_at TEXT,
      report_attempts INTEGER NOT NULL DEFAULT 0
    );

    CREATE TABLE platform_messages (
      id INTEGER PRIMARY KEY,
      platform TEXT NOT NULL,
      tenant TEXT NOT NULL,
      -- The user whose DM it is; NULL for a channel post, and once a removal failed for good.
      user_id TEXT,
      kind TEXT NOT NULL CHECK (kind IN ('message', 'file', 'channel')),
      -- Slack channel id or Teams conversation id; for a file, the conversation it was shared in.
      conversation TEXT NOT NULL,
      -- Slack message ts, Slack file id, or Teams activity id.
      item_id TEXT NOT NULL,
      service_url TEXT,
      posted_at TEXT NOT NULL,
      status TEXT NOT NULL DEFAULT 'posted' CHECK (status IN ('posted', 'queued', 'removing', 'failed')),
      removal_id INTEGER REFERENCES platform_removals(id) ON DELETE SET NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at TEXT,
      claim_token TEXT,
      claimed_at TEXT,
      error TEXT,
      UNIQUE (platform, kind, conversation, item_id)
    );
    CREATE INDEX platform_messages_by_user ON platform_messages (platform, tenant, user_id);
    CREATE INDEX platform_messages_ready ON platform_messages (platform, status, next_attempt_at);
    CREATE INDEX platform_messages_by_removal ON platform_messages (removal_id) WHERE removal_id IS NOT NULL;
    CREATE INDEX platform_messages_posted ON platform_messages (posted_at) WHERE status = 'posted';
  `,
};
