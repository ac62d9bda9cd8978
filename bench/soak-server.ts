/**
 * The server side of bench/soak: the real app context (config, database, encryption, core) behind the shared HTTP
 * server, as src/main.ts wires it: with Slack configured (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL at a
 * fake Web API) the real Bolt app answers POST /slack/events. The core route from the tests is at /bench/command
 * (the older, platform-free target) and the process's resident memory at /bench/rss.
 * Runs as its own process so the load generator does not share its event loop or its memory figures.
 * On SIGTERM it stops taking requests and finishes the work in flight (DMs after acks) before exiting.
 */
import path from 'node:path';
import v8 from 'node:v8';
import { createAppContext } from '../src/app';
import { loadConfig } from '../src/config';
import { exitOnSignals, startServer } from '../src/server';
import { registerCoreRoute } from '../test/helpers/core-route';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = createAppContext(config);
  // src/main.ts's server (one HTTP server, WAL checkpoints in a worker thread), Slack only and without the scheduler:
  // the soak measures requests, not scheduled sends.
  const server = await startServer(app, { port: 0, host: '127.0.0.1', platforms: ['slack'], scheduler: false });
  registerCoreRoute(server.http, app.trellis, '/bench/command');
  server.http.route('GET', '/bench/rss', (req, res) => {
    // ?gc=1 (with --expose-gc): collect first, so heapUsed is what is still alive rather than garbage not yet swept.
    const gc = (globalThis as { gc?: () => void }).gc;
    if (req.url?.endsWith('?gc=1') && gc) gc();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(process.memoryUsage()));
  });
  // bench:soak --heap-snapshots-at: a heap snapshot after a forced collection, written beside the database
  // (SOAK_SNAPSHOT_DIR when set), named by the second of the run it was asked at.
  server.http.route('GET', '/bench/heap-snapshot', (req, res) => {
    const at = /[?&]at=(\d+)/.exec(req.url ?? '')?.[1] ?? '0';
    (globalThis as { gc?: () => void }).gc?.();
    const dir = process.env.SOAK_SNAPSHOT_DIR ?? path.dirname(config.dbFile);
    const file = v8.writeHeapSnapshot(path.join(dir, `soak-server-${at}s.heapsnapshot`));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ file }));
  });
  process.stdout.write(`listening ${server.port}\n`);
  exitOnSignals(app.log, async () => {
    await server.stop();
    app.close();
  }, ['SIGTERM']);
}

void main();
