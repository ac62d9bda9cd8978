import os from 'node:os';
import { createAppContext } from './app';
import { type Config, ConfigError, loadConfig } from './config';
import { isTrellisError } from './core/errors';
import { loadEnvFile } from './env-file';
import { runConsoleChat } from './platforms/console/chat';
import { ConsoleMessenger } from './platforms/console/messenger';
import { startScheduler } from './schedule';
import { exitOnSignals, startServer } from './server';
import { describeStartupError, hasTerminalInput, NO_PLATFORM_NO_TERMINAL, readOnlyNotice } from './startup';

let config: Config | undefined;
/** Variables .env set (the environment had none of them): named when one of them is wrong. */
let fromEnvFile: string[] = [];

/** Composition root: .env → config → db → repositories → core → adapters → scheduler. */
async function main(): Promise<void> {
  fromEnvFile = loadEnvFile();
  config = loadConfig();
  const terminalChat = !config.slack && !config.teams;
  // Nothing to serve and nobody to chat with (a service manager, a container): say what to set, before anything opens.
  if (terminalChat && !hasTerminalInput()) {
    process.stderr.write(`${NO_PLATFORM_NO_TERMINAL}\n`);
    process.exit(1);
  }
  const app = createAppContext(config);
  if (app.readOnly) {
    const notice = readOnlyNotice(config, app.readOnly, !terminalChat);
    process.stderr.write(`${notice}\n`);
    app.log.warn('started read-only', { setting: 'TRELLIS_DB', problem: app.readOnly.problem });
  }

  // One handler for the whole life of the process; what "stop" means grows as parts start.
  let stop: () => Promise<void> = async () => app.close();
  exitOnSignals(app.log, () => stop());

  // Retention (TRELLIS_RETENTION_DAYS) also applies at every start; the scheduler runs it daily.
  if (!app.readOnly) {
    try {
      app.trellis.runRetention(app.clock.now(), 'startup');
    } catch (error) {
      app.log.warn('retention could not run', { error });
    }
  }

  if (terminalChat) {
    // No platform credentials: the local terminal chat, on the same store.
    // Scheduled prompts appear in the chat while it runs (only in a terminal, not when input is piped).
    const user = config.consoleUser ?? localUserName();
    const consoleSchedule =
      process.stdin.isTTY && !app.readOnly
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
  // Read-only, nothing could be recorded as sent, so nothing is sent on a schedule.
  const server = await startServer(app, { scheduler: !app.readOnly });
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
  const known = describeStartupError(error, config);
  if (known) process.stderr.write(`Trellis cannot start: ${known}\n`);
  else if (error instanceof ConfigError) {
    const named = fromEnvFile.filter((name) =>
      error.problems.some((p) => p.startsWith(`${name}:`) || p.startsWith(`${name}=`)),
    );
    const where = named.length ? `(${named.join(', ')} ${named.length === 1 ? 'is' : 'are'} set in .env)\n` : '';
    process.stderr.write(`${error.message}\n${where}`);
  } else if (isTrellisError(error)) process.stderr.write(`${error.message}\n`);
  else {
    // Not one we know: its message, never its stack (LOG_LEVEL=debug prints that too).
    const detail = process.env.LOG_LEVEL === 'debug' ? ((error as Error).stack ?? '') : '';
    process.stderr.write(`Trellis stopped: ${(error as Error).message ?? String(error)}\n${detail}`);
  }
  process.exit(1);
});
