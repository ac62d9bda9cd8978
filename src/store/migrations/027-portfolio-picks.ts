import type { Migration } from './index';

/**
 * The reflections a coach ticks for their portfolio PDF (issue #15, the portfolio: src/core/portfolio.ts). A pick
 * goes with the coach's row and with the reflection (deleted, or purged by retention) on delete.
 */
export const portfolioPicks: Migration = {
  version: 27,
  name: 'reflections ticked for the portfolio',
  sql: `
    CREATE TABLE portfolio_picks (
      coach_id INTEGER NOT NULL REFERENCES coaches(id) ON DELETE CASCADE,
      reflection_id INTEGER NOT NULL REFERENCES reflections(id) ON DELETE CASCADE,
      picked_at TEXT NOT NULL,
      PRIMARY KEY (coach_id, reflection_id)
    ) WITHOUT ROWID;
    CREATE INDEX portfolio_picks_by_reflection ON portfolio_picks (reflection_id);
  `,
};
