import type { Migration } from './index';

/**
 * "Add to Slack": one row per workspace, or per Enterprise Grid organisation for an org-wide install (`tenant` is
 * then the enterprise id, as coach rows have it). `installation` is Bolt's installation (bot token, refresh token,
 * scopes) as JSON, sealed like notes; it becomes NULL the moment Slack says the app was uninstalled or its tokens
 * revoked, and `uninstalled_at` starts the retention window after which that workspace's coaches are deleted.
 */
export const slackInstallations: Migration = {
  version: 18,
  name: 'slack installations for "Add to Slack"',
  sql: `
    CREATE TABLE slack_installations (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      tenant TEXT NOT NULL UNIQUE,
      team_id TEXT,
      enterprise_id TEXT,
      is_enterprise_install INTEGER NOT NULL DEFAULT 0 CHECK (is_enterprise_install IN (0, 1)),
      installation TEXT,
      bot_token_expires_at INTEGER,
      installed_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      uninstalled_at TEXT,
      CHECK ((installation IS NULL) = (uninstalled_at IS NOT NULL))
    );
    CREATE INDEX slack_installations_uninstalled ON slack_installations (uninstalled_at) WHERE uninstalled_at IS NOT NULL;
  `,
};
