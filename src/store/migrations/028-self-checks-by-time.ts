import type { Migration } from './index';

/**
 * A coach's self-checks by time, newest first: what every quick check-in reads (the previous one, for the mentor's
 * answer), and `history` and `tip`. Without it SQLite sorted all of the coach's check-ins for each of those reads,
 * a cost that grew with every check-in (bench/slack-ack: from about 250 to over 800 µs of CPU per request within a
 * run). The index by coach and date (migration 8) cannot serve this order: a check-in's local date follows the
 * coach's time zone at the time, not the instant.
 */
export const selfChecksByTime: Migration = {
  version: 28,
  name: "a coach's self-checks indexed by time",
  sql: 'CREATE INDEX self_checks_by_coach_time ON self_checks (coach_id, checked_at);',
};
