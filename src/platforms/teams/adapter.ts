import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type Activity,
  CloudAdapter,
  type ConfigurationBotFrameworkAuthentication,
  type TurnContext,
} from 'botbuilder';
import type { Config } from '../../config';
import type { Logger } from '../../core/ports';
import { HttpError, readBody } from '../../http/body';
import { activityProblem, inboundActivity } from './activity-schema';
import { TeamsAuthentication } from './turn-clients';

export type TeamsConfig = NonNullable<Config['teams']>;
type AuthResult = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']>>;

/**
 * The settings botbuilder reads, from our Config. In emulator mode they stay empty, which turns auth off. A turn's
 * outbound clients are kept across turns (turn-clients.ts).
 */
export function botFrameworkAuthentication(config: TeamsConfig): ConfigurationBotFrameworkAuthentication {
  if (config.mode === 'emulator') return new TeamsAuthentication({});
  return new TeamsAuthentication({
    MicrosoftAppId: config.appId,
    MicrosoftAppPassword: config.appPassword,
    MicrosoftAppTenantId: config.tenantId,
    MicrosoftAppType: config.appType,
  });
}

/** The bot's own id for proactive sends: the app id, or "" in emulator mode. */
export function botAppId(config: TeamsConfig): string {
  return config.mode === 'authenticated' ? config.appId : '';
}

/**
 * botbuilder's CloudAdapter, with authentication split from the turn so that any failure to authenticate is
 * answered 401 before anything runs or is stored, and without CloudAdapter.process's console output.
 */
export class TeamsAdapter extends CloudAdapter {
  constructor(readonly auth: ConfigurationBotFrameworkAuthentication) {
    super(auth);
  }

  authenticate(activity: Activity, authHeader: string): Promise<AuthResult> {
    return this.auth.authenticateRequest(activity, authHeader);
  }

  /** Runs one authenticated turn; returns the invoke response, if the turn left one. */
  runTurn(auth: AuthResult, activity: Activity, logic: (context: TurnContext) => Promise<void>) {
    return this.processActivity(auth, activity, logic);
  }
}

export function createTeamsAdapter(config: TeamsConfig): TeamsAdapter {
  return new TeamsAdapter(botFrameworkAuthentication(config));
}

const MAX_BODY = 1024 * 1024;
/** What the Bot Framework posts: one JSON activity, far under 1 MiB. */
export const TEAMS_BODY = { limit: MAX_BODY, types: ['application/json'] } as const;

function answer(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/**
 * The POST /api/messages handler: parse and check the activity, authenticate it (401 on any failure, so nothing
 * from an unauthenticated caller reaches the bot or the store), run the turn, answer with its invoke response.
 */
export function messagesRoute(
  adapter: TeamsAdapter,
  logic: (context: TurnContext) => Promise<void>,
  log: Logger,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    // The shared server has already read (and size- and type-checked) the body when the route declares it.
    let raw: string;
    try {
      const buffered = (req as IncomingMessage & { rawBody?: Buffer }).rawBody;
      raw = (buffered ?? (await readBody(req, TEAMS_BODY)).raw).toString('utf8');
    } catch (error) {
      if (error instanceof HttpError) return answer(res, error.status, { error: error.message });
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return answer(res, 400, { error: 'body is not JSON' });
    }
    const parsed = inboundActivity.safeParse(json);
    if (!parsed.success) {
      // Field names and types only: an activity's values can carry a coach's words.
      const problem = activityProblem(parsed.error);
      log.warn('teams: activity refused', problem);
      return answer(res, 400, { error: 'not a Bot Framework activity', ...problem });
    }
    const activity = parsed.data as unknown as Activity;
    const header = req.headers.authorization ?? '';

    let auth: AuthResult;
    try {
      auth = await adapter.authenticate(activity, header);
    } catch (error) {
      log.warn('teams: request refused', { reason: (error as Error).message, channel: activity.channelId });
      return answer(res, 401, { error: 'unauthorized' });
    }
    let invokeResponse: Awaited<ReturnType<TeamsAdapter['runTurn']>>;
    try {
      invokeResponse = await adapter.runTurn(auth, activity, logic);
    } catch (error) {
      // A well-formed serviceUrl where no connector answers (emulator mode takes any https one): the caller's
      // fault, said as such; never a 500 or a stack trace. What the turn committed before its reply stays stored.
      const code = connectorUnreachable(error);
      if (!code) throw error;
      log.warn('teams: the activity serviceUrl could not be reached', { code, channel: activity.channelId });
      return answer(res, 502, { error: 'the serviceUrl of the activity could not be reached', field: 'serviceUrl' });
    }
    answer(res, invokeResponse?.status ?? 200, invokeResponse?.body);
  };
}

/** Network codes that mean the connector at the activity's serviceUrl was not reached at all. */
const UNREACHABLE = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** The network code when `error` (a send of the turn) never reached a connector; undefined otherwise. */
export function connectorUnreachable(error: unknown): string | undefined {
  const direct = (error as { code?: unknown } | null)?.code;
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  const code = typeof direct === 'string' ? direct : typeof cause === 'string' ? cause : undefined;
  return code && UNREACHABLE.has(code) ? code : undefined;
}
