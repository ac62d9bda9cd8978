import os from 'node:os';
import { createAppContext } from './app';
import { ConfigError, loadConfig } from './config';
import { isTrellisError } from './core/errors';
import type { Messenger } from './core/ports';
import { HttpServer } from './http/server';
import { runConsoleChat } from './platforms/console/chat';
import { ConsoleMessenger } from './platforms/console/messenger';
import { startSlack } from './platforms/slack/app';
import { startScheduler } from './schedule';
import { conversationReferenceRepository, inboundEventRepository } from './store';
import { startBackgroundCheckpoints } from './store/checkpointer';

/** Composition root: config → db → repositories → core → adapters → scheduler. */
async function main(): Promise<void> {
  const config = loadConfig();
  const app = createAppContext(config);

  // One handler per signal for the whole life of the process; what "stop" means grows as parts start.
  let stop: () => Promise<void> = async () => app.close();
  const onSignal = (signal: string) => {
    app.log.info('shutting down', { signal });
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error('shutdown failed', { error });
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  process.once('SIGINT', () => onSignal('SIGINT'));

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

  // Slack and Teams share one HTTP server and port, beside GET /healthz.
  const http = new HttpServer(app.log);
  // botbuilder is loaded only where Teams is configured (some 40 MB resident); see src/schedule/messengers.ts.
  const teamsPlatform = config.teams ? (require('./platforms/teams') as typeof import('./platforms/teams')) : undefined;
  // Teams in emulator mode has no authentication: loopback only, or refuse to start.
  const host = teamsPlatform ? teamsPlatform.teamsListenHost(config.teams, config.host) : config.host;
  // A server checkpoints the WAL in a worker thread, not inside some request's commit (src/store/checkpointer.ts).
  const checkpoints = startBackgroundCheckpoints(app.db, app.log);
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
  const teams =
    teamsPlatform && config.teams
      ? teamsPlatform.registerTeams(http, {
          config: config.teams,
          trellis: app.trellis,
          referenceRepo: conversationReferenceRepository(app.db, () => app.clock.now()),
          log: app.log,
          commits: app.commits,
        })
      : undefined;
  const address = await http.listen(config.port, host);
  app.log.info('listening', { port: address.port, host: address.address });

  // Scheduled prompts, summaries and digests: one tick a minute, through every platform that is on.
  const messengers: Messenger[] = [slack?.messenger, teams?.messenger].filter((m): m is NonNullable<typeof m> => !!m);
  const schedule = startScheduler(app, messengers);
  stop = async () => {
    await schedule.stop(); // no new sends; the ones in flight finish and are marked
    await http.close();
    await slack?.stop();
    await checkpoints.stop();
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
