import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import { z } from 'zod';
import type { DepartedTenants } from '../core/departures';
import { type CoachRow, toCoach } from './coaches';
import { plainTextCipher, type TextCipher } from './crypto';
import type { Db } from './db';
import { fieldName } from './encryption';
import { nextDueUtc } from './next-due';

/**
 * "Add to Slack": Bolt's installations in SQLite, one per workspace, or one per Enterprise Grid organisation for an
 * org-wide install (migration 18). The installation (bot token, refresh token and expiry, scopes) is sealed with
 * the notes' key; an uninstall removes it at once, stops every send to that workspace's coaches (they are marked
 * unreachable with a stated reason), and starts the window after which their data is deleted (src/core/departures.ts).
 */

/** Why an uninstalled workspace's coaches get nothing more (stored on their coach rows). */
export const UNINSTALLED_REASON = 'Trellis was uninstalled from this Slack workspace';
/** What a send to a tenant without an installation fails with (src/platforms/slack/messenger.ts). */
export const NOT_INSTALLED = 'Trellis is not installed in this Slack workspace';
/** Reasons a reinstall takes back: the uninstall's own, and what sends met before Slack's event arrived. */
const RESUMED = new Set([UNINSTALLED_REASON, NOT_INSTALLED, 'Slack error: token_revoked', 'Slack error: invalid_auth']);

const FIELD = fieldName('slack_installations', 'installation');

/** The installation as stored: Bolt's object, checked for what Trellis relies on before it is handed back. */
const storedInstallation = z.looseObject({
  team: z.looseObject({ id: z.string() }).optional(),
  enterprise: z.looseObject({ id: z.string() }).optional(),
  isEnterpriseInstall: z.boolean().optional(),
  authVersion: z.enum(['v1', 'v2']).optional(),
  bot: z
    .looseObject({
      token: z.string(),
      userId: z.string(),
      id: z.string(),
      scopes: z.array(z.string()),
      refreshToken: z.string().optional(),
      expiresAt: z.number().optional(),
    })
    .optional(),
  user: z.looseObject({ id: z.string() }),
});

interface InstallationRow {
  id: number;
  tenant: string;
  team_id: string | null;
  enterprise_id: string | null;
  is_enterprise_install: number;
  installation: string | null;
  uninstalled_at: string | null;
}

/** Who Slack says an event or query is about: a workspace, or an organisation with an org-wide install. */
export interface SlackTenantQuery {
  teamId?: string;
  enterpriseId?: string;
  isEnterpriseInstall?: boolean;
}

/** The tenant a coach row carries: the organisation for an org-wide install, else the workspace (see coachRef). */
export function tenantOf(query: SlackTenantQuery): string | undefined {
  if (query.isEnterpriseInstall && query.enterpriseId) return query.enterpriseId;
  return query.teamId ?? query.enterpriseId;
}

export interface SlackInstallationStore extends InstallationStore, DepartedTenants {
  /** The query that finds a tenant's installation while Trellis is installed there; undefined otherwise. */
  queryFor(tenant: string): InstallationQuery<boolean> | undefined;
  /**
   * Slack said the app was uninstalled or its bot token revoked: the tokens go now, and the tenant's coaches are
   * marked unreachable. Returns the tenant and how many coaches it has, or undefined if it was not installed.
   */
  markUninstalled(query: SlackTenantQuery): { tenant: string; coaches: number } | undefined;
  /** How many workspaces and organisations have Trellis installed now. */
  installedCount(): number;
}

export function slackInstallationStore(
  db: Db,
  now: () => Date = () => new Date(),
  cipher: TextCipher = plainTextCipher,
): SlackInstallationStore {
  const byTenant = db.prepare<[string], InstallationRow>('SELECT * FROM slack_installations WHERE tenant = ?');
  const upsert = db.prepare(
    `INSERT INTO slack_installations
       (tenant, team_id, enterprise_id, is_enterprise_install, installation, bot_token_expires_at, installed_at, updated_at, uninstalled_at)
     VALUES (@tenant, @teamId, @enterpriseId, @isEnterpriseInstall, @installation, @expiresAt, @now, @now, NULL)
     ON CONFLICT (tenant) DO UPDATE SET team_id = excluded.team_id, enterprise_id = excluded.enterprise_id,
       is_enterprise_install = excluded.is_enterprise_install, installation = excluded.installation,
       bot_token_expires_at = excluded.bot_token_expires_at, updated_at = excluded.updated_at,
       installed_at = CASE WHEN uninstalled_at IS NULL THEN installed_at ELSE excluded.installed_at END,
       uninstalled_at = NULL`,
  );
  const uninstall = db.prepare(
    `UPDATE slack_installations SET installation = NULL, bot_token_expires_at = NULL, uninstalled_at = ?, updated_at = ?
     WHERE tenant = ? AND uninstalled_at IS NULL`,
  );
  const remove = db.prepare('DELETE FROM slack_installations WHERE tenant = ?');
  const coachesOfTenant = db.prepare<[string], CoachRow & { unreachable_reason: string | null }>(
    "SELECT * FROM coaches WHERE platform = 'slack' AND tenant = ?",
  );
  // Coaches already unreachable for their own reasons (they left, or blocked the bot) keep theirs, so a reinstall
  // does not bring them back; those a send found with a dead token (the uninstall came first) are the uninstall's.
  const markCoaches = db.prepare(
    `UPDATE coaches SET unreachable_since = ?, unreachable_reason = ?, next_due_utc = NULL
     WHERE platform = 'slack' AND tenant = ?
       AND (unreachable_since IS NULL OR unreachable_reason IN (?, 'Slack error: token_revoked', 'Slack error: invalid_auth'))`,
  );
  const resumeCoach = db.prepare(
    'UPDATE coaches SET unreachable_since = NULL, unreachable_reason = NULL, next_due_utc = ? WHERE id = ?',
  );
  const departed = db.prepare<[string], { tenant: string; uninstalled_at: string }>(
    'SELECT tenant, uninstalled_at FROM slack_installations WHERE uninstalled_at IS NOT NULL AND uninstalled_at <= ? ORDER BY uninstalled_at',
  );
  const installed = db.prepare<[], { n: number }>(
    'SELECT count(*) AS n FROM slack_installations WHERE uninstalled_at IS NULL',
  );
  const forgetters = [
    db.prepare('DELETE FROM slack_installations WHERE tenant = ? AND uninstalled_at IS NOT NULL'),
    db.prepare("DELETE FROM groups WHERE platform = 'slack' AND tenant = ?"),
    db.prepare("DELETE FROM platform_messages WHERE platform = 'slack' AND tenant = ?"),
    db.prepare("DELETE FROM platform_removals WHERE platform = 'slack' AND tenant = ?"),
  ];

  /** The row for a query; an org-wide install also answers for its workspaces when the flag did not come along. */
  const rowFor = (query: SlackTenantQuery): InstallationRow | undefined => {
    const tenant = tenantOf(query);
    const row = tenant ? byTenant.get(tenant) : undefined;
    if (row || !query.enterpriseId || tenant === query.enterpriseId) return row;
    const org = byTenant.get(query.enterpriseId);
    return org?.is_enterprise_install ? org : undefined;
  };

  /** A reinstall within the window: the coaches Trellis stopped for the uninstall get their schedule back. */
  const resume = (tenant: string, at: Date) => {
    for (const row of coachesOfTenant.all(tenant)) {
      if (!row.unreachable_reason || !RESUMED.has(row.unreachable_reason)) continue;
      resumeCoach.run(nextDueUtc(toCoach(row).settings, at), row.id);
    }
  };

  return {
    async storeInstallation(installation: Installation) {
      const checked = storedInstallation.parse(installation);
      const isEnterpriseInstall = checked.isEnterpriseInstall === true;
      const tenant = tenantOf({ teamId: checked.team?.id, enterpriseId: checked.enterprise?.id, isEnterpriseInstall });
      if (!tenant) throw new Error('a Slack installation without a team or enterprise id');
      const at = now();
      db.transaction(() => {
        const wasUninstalled = byTenant.get(tenant)?.uninstalled_at != null;
        upsert.run({
          tenant,
          teamId: checked.team?.id ?? null,
          enterpriseId: checked.enterprise?.id ?? null,
          isEnterpriseInstall: isEnterpriseInstall ? 1 : 0,
          installation: cipher.seal(JSON.stringify(installation), FIELD),
          expiresAt: checked.bot?.expiresAt ?? null,
          now: at.toISOString(),
        });
        if (wasUninstalled) resume(tenant, at);
      }).immediate();
    },

    async fetchInstallation(query) {
      const row = rowFor(query);
      if (!row?.installation) throw new Error('Trellis is not installed in this Slack workspace');
      return storedInstallation.parse(JSON.parse(cipher.open(row.installation, FIELD))) as unknown as Installation;
    },

    async deleteInstallation(query) {
      const tenant = tenantOf(query);
      if (tenant) remove.run(tenant);
    },

    queryFor(tenant) {
      const row = byTenant.get(tenant);
      if (!row?.installation) return undefined;
      const isEnterpriseInstall = row.is_enterprise_install === 1;
      return {
        teamId: row.team_id ?? undefined,
        enterpriseId: row.enterprise_id ?? undefined,
        isEnterpriseInstall,
      } as InstallationQuery<boolean>;
    },

    markUninstalled(query) {
      const row = rowFor(query);
      if (!row) return undefined;
      const at = now().toISOString();
      return db
        .transaction(() => {
          uninstall.run(at, at, row.tenant);
          const coaches = markCoaches.run(at, UNINSTALLED_REASON, row.tenant, NOT_INSTALLED).changes;
          return { tenant: row.tenant, coaches };
        })
        .immediate();
    },

    installedCount: () => (installed.get() as { n: number }).n,

    departedBefore: (cutoff) =>
      departed.all(cutoff).map((r) => ({ platform: 'slack' as const, tenant: r.tenant, departedAt: r.uninstalled_at })),

    coachesOf: (platform, tenant) =>
      (platform === 'slack' ? coachesOfTenant.all(tenant) : []).map((r) => ({
        platform: 'slack' as const,
        tenant: r.tenant,
        user: r.user_id,
      })),

    forget(platform, tenant) {
      if (platform !== 'slack') return;
      db.transaction(() => {
        for (const statement of forgetters) statement.run(tenant);
      }).immediate();
    },
  };
}
