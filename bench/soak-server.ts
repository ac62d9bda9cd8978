/**
 * The server side of bench/soak: the real app context (config, database, encryption, core) behind the shared HTTP
 * server, with the core route from the tests at /bench/command and the process's resident memory at /bench/rss.
 * Runs as its own process so the load generator does not share its event loop or its memory figures.
 */
import { createAppContext } from '../src/app';
import { loadConfig } from '../src/config';
import { HttpServer } from '../src/http/server';
import { registerCoreRoute } from '../test/helpers/core-route';

async function main(): Promise<void> {
  const app = createAppContext(loadConfig());
  const http = new HttpServer(app.log);
  registerCoreRoute(http, app.trellis, '/bench/command');
  http.route('GET', '/bench/rss', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(process.memoryUsage()));
  });
  const address = await http.listen(0, '127.0.0.1');
  process.stdout.write(`listening ${address.port}\n`);
  process.once('SIGTERM', () => {
    void http.close().then(() => {
      app.close();
      process.exit(0);
    });
  });
}

void main();
