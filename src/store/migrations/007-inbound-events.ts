import type { Migration } from './index';

/**
 * Platforms resend an event they think we missed (Slack's x-slack-retry-num). Each event id is claimed here
 * before it is handled, so a retry finds it and does nothing; a claim left unfinished by a crash can be taken over.
 */
export const inboundEvents: Migration = {
  version: 7,
  name: 'inbound platform events, claimed once',
  sql: `
    CREATE TABLE inbound_events (
      platform TEXT NOT NULL,
      event_id TEXT NOT NULL,
      received_at TEXT NOT NULL,
      done_at TEXT,
      PRIMARY KEY (platform, event_id)
    ) WITHOUT ROWID;
    CREATE INDEX inbound_events_received ON inbound_events (received_at);
  `,
};
