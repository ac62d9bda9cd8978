import os from 'node:os';
import { createAppContext } from './app';
import { ConfigError, loadConfig } from './config';
import { isTrellisError } from './core/errors';
import { runConsoleChat } from './platforms/console/chat';
import { ConsoleMessenger } from './platforms/console/messenger';
import { startScheduler } from './schedule';
import { exitOnSignals, startServer } from './server';

/** Composition root: config → db → repositories → core → adapters → scheduler. */
async function main(): Promise<void> {
  const config = loadConfig();
  const app = createAppContext(config);

  // One handler for the whole life of the process; what "stop" means grows as parts start.
  let stop: () => Promise<void> = async () => app.close();
  exitOnSignals(app.log, () => stop());

  // Retention (TRELLIS_RETENTION_DAYS) also applies at every start; the scheduler runs it daily.
  try {
    app.trellis.runRetention(app.clock.now(), 'startup');
  } catch (error) {
    app.log.warn('retention could not run', { error });
  }

  if (!config.slack && !config.teams) {
    // No platform credentials: the local terminal chat, on the same store.
    // Scheduled prompts appear in the chat while it runs (only in a terminal, not when input is piped).
    const user = config.consoleUser ?? localUserName();
    const consoleSchedule = process.stdin.isTTY
      ? startScheduler(app, [new ConsoleMessenger(process.stdout, user, true)])
      : undefined;
    stop = async () => {
      await consoleSchedule?.stop();
      app.close();
    };
    await runConsoleChat({
      trellis: app.trellis,
      user,
      input: process.stdin,
      output: process.stdout,
      interactive: Boolean(process.stdin.isTTY),
      log: app.log,
    });
    await stop();
    return;
  }

  // Slack and Teams on one HTTP server and port beside GET /healthz, and the scheduler (src/server.ts).
  const server = await startServer(app);
  stop = async () => {
    await server.stop();
    app.close();
  };
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
