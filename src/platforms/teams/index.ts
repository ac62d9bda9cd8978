import { ConfigError } from '../../config';
import { message } from '../../core/message';
import type { Logger, PostedItemRecorder, WriteBatcher } from '../../core/ports';
import type { Trellis } from '../../core/trellis';
import type { HttpServer } from '../../http/server';
import type { ConversationReferenceRepository } from '../../store';
import {
  botAppId,
  connectorUnreachable,
  createTeamsAdapter,
  messagesRoute,
  TEAMS_BODY,
  type TeamsAdapter,
  type TeamsConfig,
} from './adapter';
import { TrellisTeamsBot } from './bot';
import { TeamsMessenger } from './messenger';
import { recordSends } from './recording';
import { TeamsReferences } from './references';
import { renderActivity } from './render';

export const TEAMS_ROUTE = '/api/messages';

export interface TeamsPlatform {
  adapter: TeamsAdapter;
  bot: TrellisTeamsBot;
  messenger: TeamsMessenger;
  references: TeamsReferences;
}

/** Hosts that count as loopback: the only ones emulator mode (no authentication) may listen on. */
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * Where the server may listen. Without authentication (emulator mode) anyone who can reach the port could act
 * as any coach, so it must be loopback; asking for another address is refused, not quietly narrowed.
 */
export function teamsListenHost(config: TeamsConfig | undefined, host: string | undefined): string | undefined {
  if (config?.mode !== 'emulator') return host;
  if (host === undefined) return '127.0.0.1';
  if (!LOOPBACK.has(host)) {
    throw new ConfigError([
      `HOST=${host}: BOT_EMULATOR=1 turns Teams authentication off, so Trellis listens on the loopback address only. Unset HOST (or use 127.0.0.1), or set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD.`,
    ]);
  }
  return host;
}

/** Wires Teams: adapter from config, bot over the core, references in SQLite, POST /api/messages on the server. */
export function registerTeams(
  http: HttpServer,
  deps: {
    config: TeamsConfig;
    trellis: Trellis;
    referenceRepo: ConversationReferenceRepository;
    log: Logger;
    /** Group commit for typed messages: a reply that says "saved" is sent only after its write is committed. */
    commits: WriteBatcher;
    /** How long the upload of one export file may take; tests shorten it. */
    uploadTimeoutMs?: number;
    /** Keeps the ids of every activity Trellis sends, so a delete can remove it (src/store/platform-messages.ts). */
    recorder?: PostedItemRecorder;
  },
): TeamsPlatform {
  const log = deps.log;
  const adapter = createTeamsAdapter(deps.config);
  const references = new TeamsReferences(deps.referenceRepo);
  const bot = new TrellisTeamsBot({
    trellis: deps.trellis,
    references,
    log,
    commits: deps.commits,
    uploadTimeoutMs: deps.uploadTimeoutMs,
    recorder: deps.recorder,
  });
  adapter.onTurnError = async (context, error) => {
    // No connector at the serviceUrl: an apology would not get there either (the route answers 502).
    if (connectorUnreachable(error)) throw error;
    log.error('teams: turn failed', { error, activityType: context.activity.type });
    await context.sendActivity(
      renderActivity(message('Something went wrong on my side. Please try again in a moment.')),
    );
  };
  http.route(
    'POST',
    TEAMS_ROUTE,
    messagesRoute(
      adapter,
      (context) => {
        recordSends(context, deps.recorder, undefined, { commits: deps.commits, log });
        return bot.run(context);
      },
      log,
    ),
    { body: TEAMS_BODY },
  );
  const messenger = new TeamsMessenger(adapter, botAppId(deps.config), references, log, deps.recorder);
  log.info('teams: on', { mode: deps.config.mode, route: TEAMS_ROUTE });
  return { adapter, bot, messenger, references };
}

/** A Teams messenger for proactive sends only (the admin CLI's run-due): no route, same stored references. */
export function teamsMessenger(
  config: TeamsConfig,
  referenceRepo: ConversationReferenceRepository,
  log: Logger,
  recorder?: PostedItemRecorder,
): TeamsMessenger {
  const references = new TeamsReferences(referenceRepo);
  return new TeamsMessenger(createTeamsAdapter(config), botAppId(config), references, log, recorder);
}
