/**
 * The server side of bench/soak: the real app context (config, database, encryption, core) behind the shared HTTP
 * server, as src/main.ts wires it: with Slack configured (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL at a
 * fake Web API) the real Bolt app answers POST /slack/events. The core route from the tests is at /bench/command
 * (the older, platform-free target) and the process's resident memory at /bench/rss.
 * Runs as its own process so the load generator does not share its event loop or its memory figures.
 * On SIGTERM it stops taking requests and finishes the work in flight (DMs after acks) before exiting.
 */
import { createAppContext } from '../src/app';
import { loadConfig } from '../src/config';
import { HttpServer } from '../src/http/server';
import { startSlack } from '../src/platforms/slack/app';
import { inboundEventRepository } from '../src/store';
import { startBackgroundCheckpoints } from '../src/store/checkpointer';
import { registerCoreRoute } from '../test/helpers/core-route';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = createAppContext(config);
  const http = new HttpServer(app.log);
  // As in src/main.ts: the WAL is checkpointed in a worker thread, not inside a request's commit.
  const checkpoints = startBackgroundCheckpoints(app.db, app.log);
  registerCoreRoute(http, app.trellis, '/bench/command');
  http.route('GET', '/bench/rss', (req, res) => {
    // ?gc=1 (with --expose-gc): collect first, so heapUsed is what is still alive rather than garbage not yet swept.
    const gc = (globalThis as { gc?: () => void }).gc;
    if (req.url?.endsWith('?gc=1') && gc) gc();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(process.memoryUsage()));
  });
  const slack = config.slack
    ? await startSlack({
        config: config.slack,
        trellis: app.trellis,
        inbound: inboundEventRepository(app.db),
        clock: app.clock,
        log: app.log,
        http,
        commits: app.commits,
      })
    : undefined;
  const address = await http.listen(0, '127.0.0.1');
  process.stdout.write(`listening ${address.port}\n`);
  process.once('SIGTERM', () => {
    void http
      .close()
      .then(() => slack?.stop())
      .then(() => checkpoints.stop())
      .then(() => {
        app.close();
        process.exit(0);
      });
  });
}

void main();
