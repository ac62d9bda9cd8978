import type { Migration } from './index';

/**
 * The send rate each platform's limiter learnt from its 429s (the accepted sends a second and the margin kept
 * under them), so a restarted sender starts at that pace instead of ramping up from a cautious guess.
 */
export const platformRates: Migration = {
  version: 21,
  name: 'send rates learnt from the platforms',
  sql: `
    CREATE TABLE platform_rates (
      platform TEXT PRIMARY KEY,
      accepted_per_second REAL NOT NULL CHECK (accepted_per_second > 0),
      margin REAL NOT NULL CHECK (margin >= 0 AND margin < 1),
      learnt_at TEXT NOT NULL
    );
  `,
};
