import path from 'node:path';
import { createAppContext } from '../../src/app';
import { loadConfig } from '../../src/config';
import { type ServedPlatform, startServer } from '../../src/server';

/**
 * Starts the server as configured by the environment (argv[2]: the platforms to serve, comma-separated, or all),
 * asks its /healthz, then prints one JSON line: the health status, which platforms run, and which platform SDKs this
 * process has loaded. Run in a process of its own because jest keeps its own module registry.
 */
async function main(): Promise<void> {
  const app = createAppContext(loadConfig());
  const platforms = process.argv[2] ? (process.argv[2].split(',') as ServedPlatform[]) : undefined;
  const server = await startServer(app, { port: 0, host: '127.0.0.1', scheduler: false, platforms });
  const health = await fetch(`http://127.0.0.1:${server.port}/healthz`);
  const loaded = (pkg: string) =>
    Object.keys(require.cache).some((file) => file.includes(`${path.sep}node_modules${path.sep}${pkg}${path.sep}`));
  process.stdout.write(
    `${JSON.stringify({
      healthz: health.status,
      slack: Boolean(server.slack),
      teams: Boolean(server.teams),
      messengers: server.messengers.length,
      botbuilder: loaded('botbuilder'),
      bolt: loaded(path.join('@slack', 'bolt')),
    })}\n`,
  );
  await server.stop();
  app.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exitCode = 1;
});
