import { App, type Authorize, type Logger as BoltLogger, ErrorCode, LogLevel, SocketModeReceiver } from '@slack/bolt';
import { WebClient, type WebClientOptions } from '@slack/web-api';
import { type Config, ConfigError } from '../../config';
import type { Clock, InboundEventRepository, Logger, PostedItemRecorder, WriteBatcher } from '../../core/ports';
import type { Trellis } from '../../core/trellis';
import type { HttpServer } from '../../http/server';
import type { SlackInstallationStore } from '../../store/slack-installations';
import { registerListeners } from './listeners';
import { SlackMessenger } from './messenger';
import { createInstaller, oauthTokens, serveInstall } from './oauth';
import { authTest } from './payloads';
import { SlackProfiles } from './profiles';
import type { Sleep } from './rate-limit';
import { SLACK_BODY, SlackHttpReceiver } from './receiver';
import { singleToken } from './tokens';
import { registerUninstall } from './uninstall';

export const SLACK_EVENTS_PATH = '/slack/events';

export interface SlackDeps {
  config: NonNullable<Config['slack']>;
  trellis: Trellis;
  inbound: InboundEventRepository;
  /** Group commit: a quick check-in is acknowledged once its transaction is committed. */
  commits: WriteBatcher;
  clock: Clock;
  log: Logger;
  /** The shared server Slack's HTTP mode registers POST /slack/events on. Unused in Socket Mode. */
  http: HttpServer;
  sleep?: Sleep;
  /** Keeps the ids of what Trellis posts, so a delete can remove it (src/store/platform-messages.ts). */
  recorder?: PostedItemRecorder;
  /** "Add to Slack": where installations are kept. Required when config.oauth is set. */
  installations?: SlackInstallationStore;
}

export interface SlackPlatform {
  mode: 'http' | 'socket';
  /** One workspace's SLACK_BOT_TOKEN, or "Add to Slack" for any number of workspaces. */
  tokens: 'single' | 'oauth';
  app: App;
  /** DMs to coaches; the scheduler sends daily prompts through it. */
  messenger: SlackMessenger;
  /** Resolves when every Slack request received so far has been handled, work after the ack included. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Bolt's log lines, in ours. Bolt's debug lines can carry request bodies (notes, reflections), so they are dropped;
 * other lines keep their words, and any object in them is named, not printed.
 */
export function boltLogger(log: Logger): BoltLogger {
  let level = LogLevel.INFO;
  const text = (parts: unknown[]) =>
    parts
      .map((p) => (typeof p === 'string' ? p : p instanceof Error ? `${p.name}: ${p.message}` : '[object]'))
      .join(' ')
      .slice(0, 500);
  return {
    debug: () => undefined,
    info: (...parts) => log.info(`bolt: ${text(parts)}`),
    warn: (...parts) => log.warn(`bolt: ${text(parts)}`),
    error: (...parts) => log.error(`bolt: ${text(parts)}`),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

/**
 * Starts Trellis in Slack. Over HTTP (the default) Slack posts to /slack/events on the shared server; with an
 * app-level token (SLACK_APP_TOKEN) it connects out through Socket Mode instead and needs no public URL.
 * With one SLACK_BOT_TOKEN, the token is checked once with auth.test, so a wrong token stops start-up with a message
 * that says so. With "Add to Slack" (config.oauth) each request and send uses its workspace's installation, and
 * /slack/install and /slack/oauth_redirect are served on the shared server in either mode (see oauth.ts).
 */
export async function startSlack(deps: SlackDeps): Promise<SlackPlatform> {
  const { config, log, clock } = deps;
  const clientOptions: WebClientOptions = {
    slackApiUrl: config.apiUrl,
    // Rate limits are waited out per call (a modal cannot wait as long as a DM); see rate-limit.ts.
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 1, factor: 1, minTimeout: 200, maxTimeout: 500 },
    timeout: 10_000,
  };
  const logger = boltLogger(log);
  // Either the one bot token, checked with auth.test, or each installing workspace's own token from the store.
  let auth: { token: string; botId: string; botUserId: string } | { authorize: Authorize<boolean> };
  let tokens: ConstructorParameters<typeof SlackMessenger>[0];
  let team: string | undefined;
  if (config.oauth) {
    const store = deps.installations;
    if (!store) throw new Error('startSlack: "Add to Slack" needs the installation store');
    const installer = createInstaller(config.oauth, store, logger, config.apiUrl);
    auth = { authorize: installer.authorize as Authorize<boolean> };
    tokens = oauthTokens(installer, store);
    serveInstall(deps.http, installer, log);
  } else {
    const identity = await whoAmI(config.botToken, clientOptions);
    auth = { token: config.botToken, botId: identity.botId, botUserId: identity.botUserId };
    tokens = singleToken(config.botToken);
    team = identity.teamId;
  }
  const messenger = new SlackMessenger(tokens, { apiUrl: config.apiUrl, recorder: deps.recorder });
  const base = {
    ...auth,
    clientOptions,
    logger,
    // Trellis keeps no per-conversation state in Bolt; its store middleware would run on every request.
    convoStore: false,
    // Bolt's ignoreSelf middleware would run on every request too; the listeners already turn away Trellis's own
    // messages (the DM schema refuses any message with a bot_id or subtype), so it only cost time.
    ignoreSelf: false,
  } as const;

  let app: App;
  let receiver: SlackHttpReceiver | undefined;
  if (config.appToken) {
    app = new App({
      ...base,
      receiver: new SocketModeReceiver({
        appToken: config.appToken,
        logger,
        installerOptions: { clientOptions: { slackApiUrl: config.apiUrl } },
      }),
    });
  } else {
    receiver = new SlackHttpReceiver({ signingSecret: config.signingSecret, clock, log });
    app = new App({ ...base, receiver });
    deps.http.route('POST', SLACK_EVENTS_PATH, receiver.handle, { body: SLACK_BODY });
  }

  // app_uninstalled and tokens_revoked, before the listeners (which leave other events alone). Only with "Add to
  // Slack": with one SLACK_BOT_TOKEN there is no installation to remove, and the busiest path keeps one middleware.
  if (config.oauth && deps.installations) registerUninstall(app, { store: deps.installations, log });
  registerListeners(app, {
    trellis: deps.trellis,
    messenger,
    profiles: new SlackProfiles(clock, log),
    inbound: deps.inbound,
    commits: deps.commits,
    clock,
    log,
    sleep: deps.sleep,
  });
  // Listeners have already told the coach what to do; this keeps a record (ids and codes, never payloads).
  app.error(async (error) => {
    if (error.code === ErrorCode.AuthorizationError) {
      // "Add to Slack": a request from a workspace Trellis is not (or no longer) installed in. Bolt acked it empty.
      log.warn('slack request from a workspace without an installation', { code: error.code });
      return;
    }
    const original = (error as { original?: unknown }).original;
    log.error('slack listener failed', { code: error.code, error: original instanceof Error ? original : error });
  });

  if (config.appToken) await app.start();
  const tokenMode = config.oauth ? 'oauth' : 'single';
  log.info('slack ready', {
    mode: receiver ? 'http' : 'socket',
    tokens: tokenMode,
    ...(team ? { team } : { installed: deps.installations?.installedCount() ?? 0 }),
  });
  return {
    mode: receiver ? 'http' : 'socket',
    tokens: tokenMode,
    app,
    messenger,
    idle: () => receiver?.idle() ?? Promise.resolve(),
    stop: async () => {
      if (receiver) await receiver.idle();
      else await app.stop();
    },
  };
}

async function whoAmI(token: string, options: WebClientOptions) {
  try {
    const result = authTest.parse(await new WebClient(token, options).auth.test());
    return { botId: result.bot_id, botUserId: result.user_id, teamId: result.team_id };
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error ?? (error as Error).message;
    throw new ConfigError([
      `SLACK_BOT_TOKEN: Slack did not accept it (auth.test: ${code}). Copy the Bot User OAuth Token (xoxb-…) from your app's "OAuth & Permissions" page.`,
    ]);
  }
}
