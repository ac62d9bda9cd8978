import type { App } from '@slack/bolt';
import { z } from 'zod';
import type { Logger } from '../../core/ports';
import type { SlackInstallationStore } from '../../store/slack-installations';

/**
 * Slack's word that Trellis is gone from a workspace: `app_uninstalled`, or `tokens_revoked` naming the bot's
 * token. Bolt acknowledges both without looking for an installation first. With "Add to Slack" the installation's
 * tokens are removed at once and the workspace's coaches are marked unreachable (no prompt, summary or digest goes
 * to them, each skipped with that reason); their data stays for TRELLIS_UNINSTALL_RETENTION_DAYS, then goes
 * (src/core/departures.ts). Registered only with "Add to Slack" (a single SLACK_BOT_TOKEN has no installation).
 */

const uninstalled = z.object({ type: z.literal('app_uninstalled') });
const revoked = z.object({
  type: z.literal('tokens_revoked'),
  tokens: z.object({ bot: z.array(z.string()).optional(), oauth: z.array(z.string()).optional() }),
});
const GONE = new Set(['app_uninstalled', 'tokens_revoked']);

export function registerUninstall(app: App, deps: { store: SlackInstallationStore; log: Logger }): void {
  const { store, log } = deps;
  app.use(async ({ body, context, next }) => {
    const event = (body as { event?: { type?: unknown } }).event;
    if (typeof event?.type !== 'string' || !GONE.has(event.type)) {
      await next();
      return;
    }
    const isUninstall = uninstalled.safeParse(event).success;
    const revocation = revoked.safeParse(event);
    // Only user tokens revoked: Trellis asks for none, so its bot goes on working.
    if (!isUninstall && !(revocation.success && (revocation.data.tokens.bot?.length ?? 0) > 0)) return;
    const query = {
      teamId: context.teamId,
      enterpriseId: context.enterpriseId,
      isEnterpriseInstall: context.isEnterpriseInstall,
    };
    const gone = store.markUninstalled(query);
    if (!gone) {
      log.info('slack uninstall for a workspace Trellis holds no installation for', { team: query.teamId });
      return;
    }
    log.info('slack uninstalled: tokens removed, sends stopped', {
      tenant: gone.tenant,
      event: event.type,
      coaches: gone.coaches,
    });
  });
}
