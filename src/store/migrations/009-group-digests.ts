import type { Migration } from './index';

/**
 * The figures of each digest week as first published, so every later view of that week (a retry, `digest` on
 * demand, the CLI) shows exactly what was posted, whoever joined, left, checked in late or deleted their data since.
 * `figures` is JSON holding only what the digest shows (bands per behaviour, members at the week's close, whether
 * enough members checked in): nothing per coach.
 */
export const groupDigests: Migration = {
  version: 9,
  name: 'published digest figures per group and week',
  sql: `
    CREATE TABLE group_digests (
      group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
      -- Monday of the reported (closed) week, local to the group.
      week_start TEXT NOT NULL,
      -- ISO instant of the digest the figures were built for.
      published_at TEXT NOT NULL,
      figures TEXT NOT NULL,
      PRIMARY KEY (group_id, week_start)
    );
  `,
};
