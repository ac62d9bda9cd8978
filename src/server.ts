import type { AppContext } from './app';
import type { Logger, Messenger } from './core/ports';
import { HttpServer, type HttpServerOptions } from './http/server';
import { mountSessionHook } from './http/session-hook';
import type { SlackPlatform } from './platforms/slack/app';
import type { Sleep } from './platforms/slack/rate-limit';
import type { TeamsPlatform } from './platforms/teams';
import { createRemover, startScheduler } from './schedule';
import type { Remover } from './schedule/removal';
import { type SenderSupervisor, type SenderSupervisorOptions, superviseSender } from './schedule/sender-supervisor';
import { conversationReferenceRepository, inboundEventRepository } from './store';
import { startBackgroundCheckpoints } from './store/checkpointer';
import { useServingBusyTimeout } from './store/db';

export type ServedPlatform = 'slack' | 'teams';

/** What differs between the server of `npm start`, the soak bench's and the tests'; the rest comes from config. */
export interface ServerOptions {
  /** Default: PORT from config. 0 picks a free port. */
  port?: number;
  /** Default: HOST from config (all addresses when unset; loopback in Teams emulator mode). */
  host?: string;
  /** Which of the configured platforms to serve. Default: every platform config turns on. */
  platforms?: ServedPlatform[];
  /** Send scheduled prompts, summaries and digests from a minute tick. Default: true. */
  scheduler?: boolean;
  /**
   * Where that tick runs: `process` (its own child process, src/schedule/sender-supervisor.ts) or `inline` (this
   * process). Default: TRELLIS_SENDER, else `process`.
   */
  sender?: 'process' | 'inline';
  /** The sender's process: the environment it loads its config from (default: this one's); tests shorten waits. */
  senderProcess?: Omit<SenderSupervisorOptions, 'platforms'>;
  /** Request and header timeouts of the shared HTTP server (tests shorten them). */
  http?: HttpServerOptions;
  /** How Slack waits out a Retry-After (tests return at once). */
  slackSleep?: Sleep;
  /** How long the upload of one Teams export file may take (tests shorten it). */
  teamsUploadTimeoutMs?: number;
  /** How the remover waits out a backoff or Retry-After (tests move their clock instead). */
  removalSleep?: (ms: number) => Promise<void>;
}

export interface RunningServer {
  http: HttpServer;
  port: number;
  host: string;
  slack?: SlackPlatform;
  teams?: TeamsPlatform;
  /** The messengers of the platforms served, as the scheduler sends through them. */
  messengers: Messenger[];
  /** Removes what a delete or retention queued: kicked at once by them, and drained by every tick. */
  removals: Remover;
  /** The sender's own process, when the scheduler runs in one. */
  sender?: SenderSupervisor;
  /**
   * Stops the scheduler (sends in flight finish and are marked), takes no more requests, lets Slack finish the work
   * after its acks, and stops the checkpoint worker. The app context stays open: its owner closes it.
   */
  stop(): Promise<void>;
}

/**
 * The one server wiring: Slack and Teams on one HTTP server and port beside GET /healthz, WAL checkpoints in a
 * worker thread, and the scheduler. A platform's SDK is loaded only when that platform is served: botbuilder alone
 * adds some 40 MB resident (see src/schedule/messengers.ts for why `require`).
 */
export async function startServer(app: AppContext, options: ServerOptions = {}): Promise<RunningServer> {
  const { config } = app;
  const served = (platform: ServedPlatform) => !options.platforms || options.platforms.includes(platform);
  const slackConfig = served('slack') ? config.slack : undefined;
  const teamsConfig = served('teams') ? config.teams : undefined;

  const http = new HttpServer(app.log, options.http);
  const teamsPlatform = teamsConfig ? (require('./platforms/teams') as typeof import('./platforms/teams')) : undefined;
  // Teams in emulator mode has no authentication: loopback only, or refuse to start (before anything starts).
  const requestedHost = options.host ?? config.host;
  const host = teamsPlatform ? teamsPlatform.teamsListenHost(teamsConfig, requestedHost) : requestedHost;
  // A server checkpoints the WAL in a worker thread, not inside some request's commit (src/store/checkpointer.ts).
  const checkpoints = startBackgroundCheckpoints(app.db, app.log);
  // Another process's lock never blocks the event loop: writes wait for it asynchronously (src/store/group-commit.ts).
  useServingBusyTimeout(app.db);
  let slack: SlackPlatform | undefined;
  try {
    if (slackConfig) {
      const { startSlack } = require('./platforms/slack/app') as typeof import('./platforms/slack/app');
      slack = await startSlack({
        config: slackConfig,
        trellis: app.trellis,
        inbound: inboundEventRepository(app.db),
        commits: app.commits,
        clock: app.clock,
        log: app.log,
        http,
        sleep: options.slackSleep,
        recorder: app.removals.store,
        installations: app.slackInstallations,
      });
    }
    const teams =
      teamsPlatform && teamsConfig
        ? teamsPlatform.registerTeams(http, {
            config: teamsConfig,
            trellis: app.trellis,
            referenceRepo: conversationReferenceRepository(app.db, () => app.clock.now()),
            log: app.log,
            commits: app.commits,
            uploadTimeoutMs: options.teamsUploadTimeoutMs,
            recorder: app.removals.store,
          })
        : undefined;
    mountSessionHook(http, app);
    const address = await http.listen(options.port ?? config.port, host);
    app.log.info('listening', { port: address.port, host: address.address });

    // Scheduled prompts, summaries and digests: one tick a minute, through every platform served.
    const messengers: Messenger[] = [slack?.messenger, teams?.messenger].filter((m) => m !== undefined);
    const removals = createRemover(app, messengers, { sleep: options.removalSleep });
    // A delete answers at once (the button's ack never waits); the removals start right after, in the background.
    // (On the next turn: the delete may still be inside a group commit's transaction.)
    const stopKicks = app.removals.onQueued(() => {
      setImmediate(() => {
        removals.run().catch((error: unknown) => app.log.warn('removals could not run', { error }));
      });
    });
    // The minute tick in its own process (its own node flags, its own event loop), or here; request-driven sends
    // (immediate DMs, the removals a delete starts, App Home) stay in this process either way.
    const scheduled = options.scheduler !== false;
    const inProcess = (options.sender ?? config.sender ?? 'process') === 'inline';
    const sender =
      scheduled && !inProcess
        ? superviseSender(app.log, {
            ...options.senderProcess,
            platforms: [slack ? 'slack' : undefined, teams ? 'teams' : undefined].filter((p) => p !== undefined),
          })
        : undefined;
    const schedule = scheduled && inProcess ? startScheduler(app, messengers, { removals }) : undefined;
    return {
      http,
      port: address.port,
      host: address.address,
      slack,
      teams,
      messengers,
      removals,
      sender,
      async stop() {
        stopKicks();
        await sender?.stop(); // the child first: no new sends; the ones in flight finish and are marked
        await schedule?.stop(); // no new sends; the ones in flight finish and are marked
        await removals.stop();
        await http.close();
        await slack?.stop();
        await checkpoints.stop();
      },
    };
  } catch (error) {
    // A platform that cannot start (a wrong Slack token, a port in use) leaves nothing running behind it.
    await slack?.stop();
    await checkpoints.stop();
    throw error;
  }
}

/**
 * On the first of these signals: log it, run `stop`, and exit (0, or 1 if stopping failed). The handlers come off
 * at once, so a second signal ends the process the default way if stopping hangs.
 */
export function exitOnSignals(
  log: Logger,
  stop: () => Promise<void>,
  signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'],
): void {
  const onSignal = (signal: NodeJS.Signals) => {
    for (const s of signals) process.off(s, onSignal);
    log.info('shutting down', { signal });
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error('shutdown failed', { error });
        process.exit(1);
      },
    );
  };
  for (const signal of signals) process.on(signal, onSignal);
}
