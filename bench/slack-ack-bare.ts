/**
 * The baseline for bench/slack-ack.ts: a bare Bolt app with its default HTTPReceiver that only acks /selfcheck.
 * Prints `READY <port>` once listening on 127.0.0.1. Env: SLACK_SIGNING_SECRET, SLACK_API_URL (the fake Web API),
 * and BARE_TUNED=1 to switch off the two per-request middlewares Trellis switches off too (the conversation store
 * and ignoreSelf), for a second baseline configured as Trellis configures Bolt.
 */

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';

async function main() {
  const app = new App({
    token: 'xoxb-bench',
    signingSecret: process.env.SLACK_SIGNING_SECRET,
    clientOptions: { slackApiUrl: process.env.SLACK_API_URL },
    logLevel: LogLevel.ERROR,
    ...(process.env.BARE_TUNED === '1' ? { convoStore: false, ignoreSelf: false } : {}),
  });
  app.command('/selfcheck', async ({ ack }) => {
    await ack();
  });
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
  process.stdout.write(`READY ${(server.address() as AddressInfo).port}\n`);
  process.on('SIGTERM', () => void app.stop().finally(() => process.exit(0)));
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
