import type { AppContext } from '../../app';
import type { SlackConfig } from '../../config';
import { SlackMessenger } from './messenger';

/**
 * A Slack messenger for sending without serving (the admin CLI's run-due): the one bot token, or with "Add to
 * Slack" each installing workspace's token from the installation store, rotated as the server rotates it.
 * Bolt and its OAuth library are loaded only for the second (`require`, as in src/schedule/messengers.ts).
 */
export function slackSender(config: SlackConfig, app: AppContext): SlackMessenger {
  const options = { apiUrl: config.apiUrl, recorder: app.removals.store };
  if (!config.oauth) return new SlackMessenger(config.botToken, options);
  const { boltLogger } = require('./app') as typeof import('./app');
  const { createInstaller, oauthTokens } = require('./oauth') as typeof import('./oauth');
  const installer = createInstaller(config.oauth, app.slackInstallations, boltLogger(app.log), config.apiUrl);
  return new SlackMessenger(oauthTokens(installer, app.slackInstallations), options);
}
