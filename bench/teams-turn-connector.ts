/**
 * The fake Bot Connector for bench/teams-turn, in its own process so that answering the bots' replies does not
 * take CPU from the bot being measured. Prints its URL, then a count of calls answered when asked on stdin.
 */
import { FakeBotConnector } from '../test/helpers/fake-bot-connector';

async function main(): Promise<void> {
  const connector = await new FakeBotConnector({ record: false }).start();
  process.stdout.write(`${JSON.stringify({ url: connector.url })}\n`);
  process.stdin.on('data', () => process.stdout.write(`${JSON.stringify({ answered: connector.answered })}\n`));
  process.stdin.on('end', () => void connector.stop().then(() => process.exit(0)));
}

void main();
