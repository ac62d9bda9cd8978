import type { Migration } from './index';

/**
 * The coach's profile beside the credential held: the credential they are working toward and the kinds of practice
 * they work in (src/core/practice.ts, stored as "private,virtual"), and when Trellis welcomed them. Coaches who
 * were there before the welcome existed count as welcomed: they met Trellis already.
 */
export const coachProfile: Migration = {
  version: 15,
  name: 'coach profile: working toward, practices, welcomed',
  sql: `
    ALTER TABLE coaches ADD COLUMN working_toward TEXT CHECK (working_toward IN ('ACC', 'PCC', 'MCC'));
    ALTER TABLE coaches ADD COLUMN practices TEXT NOT NULL DEFAULT '';
    ALTER TABLE coaches ADD COLUMN welcomed_at TEXT;
    UPDATE coaches SET welcomed_at = created_at;
  `,
};
