import type { Migration } from './index';

/**
 * Every self-check records the rubric version it was given under (prompts/rubric/, src/core/rubric.ts), so a later
 * rubric with a mapping keeps trends comparable and views can say which version a figure belongs to. Self-checks
 * from before this migration were all given under the first version.
 */
export const rubricVersion: Migration = {
  version: 19,
  name: 'the rubric version of each self-check',
  sql: `ALTER TABLE self_checks ADD COLUMN rubric_version TEXT NOT NULL DEFAULT '2025.1';`,
};
