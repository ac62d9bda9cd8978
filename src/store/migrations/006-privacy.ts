import type { Migration } from './index';

/**
 * Confidentiality: a meta table (the encryption key check lives there), and an audit log of exports, deletions
 * and shares. The audit keeps ids only, never content; coach_id is a plain number, not a foreign key, so the record
 * of a deletion outlives the coach it was about (after that the number points at no one).
 */
export const privacy: Migration = {
  version: 6,
  name: 'meta table, audit log, retention indexes',
  sql: `
    CREATE TABLE meta (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL
    );

    CREATE TABLE audit_log (
      id INTEGER PRIMARY KEY,
      at TEXT NOT NULL,
      coach_id INTEGER,
      action TEXT NOT NULL CHECK (action IN ('export', 'delete', 'share', 'purge', 'rotate_key', 'encrypt')),
      actor TEXT NOT NULL,
      object_ids TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX audit_log_by_coach ON audit_log (coach_id, at);

    CREATE INDEX self_checks_by_checked_at ON self_checks (checked_at) WHERE note IS NOT NULL;
    CREATE INDEX reflections_by_created_at ON reflections (created_at);
  `,
};
