import type { Config } from '../config';
import type { Messenger } from '../core/ports';
import { SlackMessenger } from '../platforms/slack/messenger';

/** One messenger per platform that is configured; scheduled deliveries go out through these. */
export function platformMessengers(config: Config): Messenger[] {
  const messengers: Messenger[] = [];
  if (config.slack) messengers.push(new SlackMessenger(config.slack.botToken, { apiUrl: config.slack.apiUrl }));
  // Teams: add its proactive messenger here once it lands.
  return messengers;
}
