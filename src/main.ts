import os from 'node:os';
import { createAppContext } from './app';
import { ConfigError, loadConfig } from './config';
import { isTrellisError } from './core/errors';
import { HttpServer } from './http/server';
import { runConsoleChat } from './platforms/console/chat';
import { startSlack } from './platforms/slack/app';
import { inboundEventRepository } from './store';
import { startBackgroundCheckpoints } from './store/checkpointer';

/** Composition root: config → db → repositories → core → adapters. */
async function main(): Promise<void> {
  const config = loadConfig();
  const app = createAppContext(config);
  // Retention (TRELLIS_RETENTION_DAYS) also applies at every start; the scheduler runs it daily.
  try {
    app.trellis.runRetention(app.clock.now(), 'startup');
  } catch (error) {
    app.log.warn('retention could not run', { error });
  }
  const shutdown = (signal: string) => {
    app.log.info('shutting down', { signal });
    app.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));

  if (!config.slack && !config.teams) {
    // No platform credentials: the local terminal chat, on the same store.
    await runConsoleChat({
      trellis: app.trellis,
      user: config.consoleUser ?? localUserName(),
      input: process.stdin,
      output: process.stdout,
      interactive: Boolean(process.stdin.isTTY),
      log: app.log,
    });
    app.close();
    return;
  }
  // Slack and Teams share one HTTP server and port, beside GET /healthz.
  const http = new HttpServer(app.log);
  // A server checkpoints the WAL in a worker thread, not inside some request's commit (src/store/checkpointer.ts).
  const checkpoints = startBackgroundCheckpoints(app.db, app.log);
  // Platforms register their routes here (see src/platforms/*).
  const slack = config.slack
    ? await startSlack({
        config: config.slack,
        trellis: app.trellis,
        inbound: inboundEventRepository(app.db),
        commits: app.commits,
        clock: app.clock,
        log: app.log,
        http,
      })
    : undefined;
  const address = await http.listen(config.port, config.host);
  app.log.info('listening', { port: address.port, host: address.address });
  process.removeAllListeners('SIGTERM');
  process.removeAllListeners('SIGINT');
  const stop = async (signal: string) => {
    app.log.info('shutting down', { signal });
    await http.close();
    await slack?.stop();
    await checkpoints.stop();
    app.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

function localUserName(): string {
  try {
    return os.userInfo().username || 'me';
  } catch {
    return 'me';
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || isTrellisError(error)) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`Trellis stopped: ${(error as Error).stack ?? String(error)}\n`);
  }
  process.exit(1);
});
