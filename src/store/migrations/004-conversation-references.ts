import type { Migration } from './index';

/**
 * Teams can only message a coach or a channel proactively with the conversation reference it saw before
 * (service URL, conversation id, bot id). Kept in SQLite, not memory, so prompts still arrive after a restart.
 * `scope` is 'personal' (key: the coach's user id) or 'channel' (key: the channel's conversation id).
 */
export const conversationReferences: Migration = {
  version: 4,
  name: 'conversation references for proactive messages (Teams)',
  sql: `
    CREATE TABLE conversation_references (
      platform TEXT NOT NULL,
      tenant TEXT NOT NULL,
      scope TEXT NOT NULL CHECK (scope IN ('personal', 'channel')),
      key TEXT NOT NULL,
      reference TEXT NOT NULL CHECK (json_valid(reference)),
      updated_at TEXT NOT NULL,
      PRIMARY KEY (platform, tenant, scope, key)
    );
  `,
};
