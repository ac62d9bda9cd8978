import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';

/**
 * The baseline for bench/teams-turn: a bare botbuilder echo bot, served the way botbuilder's samples serve one
 * (CloudAdapter.process behind a plain HTTP server), in emulator mode like the Trellis endpoint it is compared with.
 * Not used by Trellis itself; it lives here because every botbuilder import does.
 */
export async function startEchoBaseline(
  host = '127.0.0.1',
  /** Runs before the echo is sent (bench/teams-turn's "floor" stores each activity's id first); the baseline has none. */
  beforeReply?: (activityId: string | undefined) => void,
): Promise<{ url: string; close(): Promise<void> }> {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const bot = new ActivityHandler();
  bot.onMessage(async (context, next) => {
    beforeReply?.(context.activity.id);
    await context.sendActivity(`echo: ${context.activity.text ?? ''}`);
    await next();
  });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = Object.assign(req, {
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
      });
      const response = Object.assign(res, {
        status: (code: number) => {
          res.statusCode = code;
        },
        header: (name: string, value: string) => res.setHeader(name, value),
        send: (body: unknown) => res.write(typeof body === 'string' ? body : JSON.stringify(body)),
      });
      void adapter.process(request, response, (context) => bot.run(context));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    url: `http://${host}:${(server.address() as AddressInfo).port}/api/messages`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
