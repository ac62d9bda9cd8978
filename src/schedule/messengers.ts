import type { AppContext } from '../app';
import type { Messenger } from '../core/ports';
import { conversationReferenceRepository } from '../store';

/**
 * One messenger per configured platform, for sending without serving (the admin CLI's run-due, the crash test's
 * sender). The server uses the messengers of the platforms it started instead.
 * A platform's SDK is loaded only when that platform is configured: botbuilder alone adds some 40 MB resident to a
 * process that only sends to Slack. (`require`, not `import()`: it stays synchronous and works under tsx's CJS hook.)
 */
export function platformMessengers(app: AppContext): Messenger[] {
  const { config } = app;
  const messengers: Messenger[] = [];
  if (config.slack) {
    const { slackSender } = require('../platforms/slack/senders') as typeof import('../platforms/slack/senders');
    messengers.push(slackSender(config.slack, app));
  }
  if (config.teams) {
    const { teamsMessenger } = require('../platforms/teams') as typeof import('../platforms/teams');
    messengers.push(
      teamsMessenger(
        config.teams,
        conversationReferenceRepository(app.db, () => app.clock.now()),
        app.log,
        app.removals.store,
      ),
    );
  }
  return messengers;
}
