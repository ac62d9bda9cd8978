import type { Migration } from './index';

/**
 * Texts a coach sent that might have been a mistyped command ("histroy", "skip it"): kept here, sealed like notes,
 * until the coach says "Save as a journal entry" or "That was a command" (src/core/conversation.ts). They go with
 * the coach's row on a delete.
 */
export const pendingTexts: Migration = {
  version: 13,
  name: 'texts waiting for the coach to say whether they were a journal entry',
  sql: `
    CREATE TABLE pending_texts (
      id INTEGER PRIMARY KEY,
      coach_id INTEGER NOT NULL REFERENCES coaches(id) ON DELETE CASCADE,
      text TEXT NOT NULL,
      -- The prompt open when the text arrived: "Save" answers it if it is still open.
      prompt_issue_id INTEGER REFERENCES prompt_issues(id) ON DELETE SET NULL,
      created_at TEXT NOT NULL
    );
    CREATE INDEX pending_texts_by_coach ON pending_texts (coach_id, created_at);
  `,
};
