import type { Migration } from './index';

/**
 * One index on self-checks by coach and date, covering the ratings, instead of two (one by coach, one by date).
 * Every check-in wrote both, each in its own place per coach; that second index cost about a quarter of a
 * check-in's write (bench/slack-ack). Weekly summaries and digests now read each coach's window from this index.
 */
export const coveringCoachIndex: Migration = {
  version: 8,
  name: 'self-checks indexed once, by coach and date, covering the ratings',
  sql: `
    DROP INDEX self_checks_by_date;
    DROP INDEX self_checks_by_coach_date;
    CREATE INDEX self_checks_by_coach_date
      ON self_checks (coach_id, local_date, context, respect, talents, empathy, feelings, openness);
  `,
};
