import type { Migration } from './index';

/**
 * Mentor coaching logged by either side (issue #15, part 2: src/core/mentors.ts). A mentor can log a meeting for
 * the coach (`mentoring 60 1:1 for @coach`): the row is the coach's (it counts toward their ten-hour rule) and says
 * who logged it and under which relation, so the same meeting logged by both is counted once (same date and
 * minutes under one relation). A relation that goes (either side deleted their data) leaves the coach's hours.
 */
export const mentorLogs: Migration = {
  version: 24,
  name: 'mentor coaching logged by either side',
  sql: `
    ALTER TABLE mentoring_logs ADD COLUMN relation_id INTEGER REFERENCES mentor_relations(id) ON DELETE SET NULL;
    ALTER TABLE mentoring_logs ADD COLUMN logged_by TEXT NOT NULL DEFAULT 'coach' CHECK (logged_by IN ('coach', 'mentor'));
    CREATE INDEX mentoring_logs_by_relation ON mentoring_logs (relation_id, session_date, minutes)
      WHERE relation_id IS NOT NULL;
  `,
};
