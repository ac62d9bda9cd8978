import type { AppContext } from '../app';
import type { Messenger } from '../core/ports';
import { SlackMessenger } from '../platforms/slack/messenger';
import { teamsMessenger } from '../platforms/teams';
import { conversationReferenceRepository } from '../store';

/**
 * One messenger per configured platform, for sending without serving (the admin CLI's run-due, the crash test's
 * sender). The server uses the messengers of the platforms it started instead.
 */
export function platformMessengers(app: AppContext): Messenger[] {
  const { config } = app;
  const messengers: Messenger[] = [];
  if (config.slack) messengers.push(new SlackMessenger(config.slack.botToken, { apiUrl: config.slack.apiUrl }));
  if (config.teams) {
    messengers.push(
      teamsMessenger(
        config.teams,
        conversationReferenceRepository(app.db, () => app.clock.now()),
        app.log,
      ),
    );
  }
  return messengers;
}
