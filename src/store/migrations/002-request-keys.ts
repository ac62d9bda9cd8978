import type { Migration } from './index';

/**
 * Platforms retry (Slack resends an event it thinks we missed); a request key per write makes the retry a no-op.
 * Also records whether the coach chose their time zone, so a platform's hint stops overriding it.
 */
export const requestKeys: Migration = {
  version: 2,
  name: 'request keys for idempotent writes; time zone chosen by coach',
  sql: `
    ALTER TABLE self_checks ADD COLUMN request_key TEXT;
    CREATE UNIQUE INDEX self_checks_request_key ON self_checks (request_key) WHERE request_key IS NOT NULL;
    ALTER TABLE reflections ADD COLUMN request_key TEXT;
    CREATE UNIQUE INDEX reflections_request_key ON reflections (request_key) WHERE request_key IS NOT NULL;
    ALTER TABLE coaches ADD COLUMN time_zone_set_by_coach INTEGER NOT NULL DEFAULT 0;
  `,
};
