import type { InstallationQuery } from '@slack/bolt';
import { DeliveryError } from '../../core/errors';

/**
 * Which bot token speaks to a tenant: the one SLACK_BOT_TOKEN (one workspace), or the installing workspace's own
 * token from the installation store ("Add to Slack"). Every send, schedule, digest, upload and removal asks here
 * with the tenant its coach or channel row carries (a team id, or an enterprise id for an org-wide install).
 */
export interface SlackTokenSource {
  /** The bot token for `tenant`; undefined when Trellis is not (or no longer) installed there. */
  tokenFor(tenant: string): Promise<string | undefined>;
}

/** One workspace, one token: every tenant gets it. */
export function singleToken(token: string): SlackTokenSource {
  const answer = Promise.resolve(token);
  return { tokenFor: () => answer };
}

/** What the installed-token source needs: the store's query for a tenant, and Bolt's authorize (which rotates). */
export interface InstalledTokenDeps {
  queryFor(tenant: string): InstallationQuery<boolean> | undefined;
  /** InstallProvider#authorize: reads the installation and, with token rotation on, refreshes a token near expiry. */
  authorize(query: InstallationQuery<boolean>): Promise<{ botToken?: string }>;
}

/**
 * The installing workspace's token. With token rotation (a refresh token and expiry stored), Bolt's authorize swaps
 * a token that expires within two hours for a fresh one and stores it before it is used.
 */
export function installedTokens(deps: InstalledTokenDeps): SlackTokenSource {
  return {
    async tokenFor(tenant) {
      const query = deps.queryFor(tenant);
      if (!query) return undefined;
      try {
        return (await deps.authorize(query)).botToken;
      } catch {
        // Installed, but the store or a token refresh failed just now: worth another try later.
        throw new DeliveryError('transient', 'the Slack installation could not be read');
      }
    },
  };
}
