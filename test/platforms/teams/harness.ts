import { type AppContext, createAppContext } from '../../../src/app';
import { loadConfig } from '../../../src/config';
import type { Clock } from '../../../src/core/ports';
import { createLogger } from '../../../src/log';
import { TEAMS_ROUTE, type TeamsPlatform } from '../../../src/platforms/teams';
import { type RunningServer, startServer } from '../../../src/server';

export const TENANT = 'tenant-1';
export const BOT = { id: '28:trellis-bot', name: 'Trellis' };

/** The real server, real CloudAdapter and real core on a SQLite file, wired by src/server.ts as `npm start` is. */
export interface TeamsHarness {
  app: AppContext;
  teams: TeamsPlatform;
  url: string;
  logLines: string[];
  post(activity: Record<string, unknown>, headers?: Record<string, string>): Promise<{ status: number; body: string }>;
  /** Removes what is queued (a delete kicks this already; this joins it). */
  removals: RunningServer['removals']['run'];
  stop(): Promise<void>;
}

export async function startTeams(options: {
  dbFile: string;
  env?: Record<string, string>;
  clock?: Clock;
  /** How long one export file's upload may take before the coach is told it failed. */
  uploadTimeoutMs?: number;
}): Promise<TeamsHarness> {
  const config = loadConfig({ TRELLIS_DB: options.dbFile, TRELLIS_TZ: 'UTC', BOT_EMULATOR: '1', ...options.env });
  if (!config.teams) throw new Error('harness: Teams is not configured');
  const logLines: string[] = [];
  const log = createLogger('debug', {}, (line) => logLines.push(line));
  const app = createAppContext(config, { clock: options.clock, log });
  // The server of `npm start` (src/server.ts), Teams only and without the scheduler's minute tick.
  const server = await startServer(app, {
    port: 0,
    host: '127.0.0.1',
    platforms: ['teams'],
    scheduler: false,
    teamsUploadTimeoutMs: options.uploadTimeoutMs,
    // With a clock that stands still, the remover's waits move it on instead of sleeping.
    ...(clockThatMoves(options.clock)
      ? { removalSleep: async (ms: number) => clockThatMoves(options.clock)?.advance(ms) }
      : {}),
  });
  const teams = server.teams;
  if (!teams) throw new Error('harness: Teams did not start');
  const url = `http://127.0.0.1:${server.port}${TEAMS_ROUTE}`;
  return {
    app,
    teams,
    url,
    logLines,
    async post(activity, headers = {}) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(activity),
      });
      return { status: res.status, body: await res.text() };
    },
    removals: () => server.removals.run(),
    async stop() {
      await server.stop();
      app.close();
    },
  };
}

function clockThatMoves(clock: Clock | undefined): { advance(ms: number): void } | undefined {
  const advance = (clock as { advance?: unknown } | undefined)?.advance;
  return typeof advance === 'function' ? (clock as unknown as { advance(ms: number): void }) : undefined;
}

let counter = 0;
const nextId = () => `act-in-${Date.now()}-${++counter}`;

/** A message in a coach's personal chat with the bot, shaped as Teams sends it. */
export function personalMessage(
  serviceUrl: string,
  user: string,
  text: string | undefined,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    type: 'message',
    id: nextId(),
    timestamp: new Date().toISOString(),
    serviceUrl,
    channelId: 'msteams',
    from: { id: `29:${user}`, name: `Coach ${user}`, aadObjectId: `aad-${user}` },
    recipient: BOT,
    conversation: { id: `a:personal-${user}`, conversationType: 'personal', tenantId: TENANT },
    channelData: { tenant: { id: TENANT } },
    locale: 'en-GB',
    localTimezone: 'Europe/London',
    ...(text !== undefined ? { text } : {}),
    ...extra,
  };
}

/** Trellis installed in a coach's personal scope: Teams sends conversationUpdate with the bot as the new member. */
export function personalInstall(serviceUrl: string, user: string): Record<string, unknown> {
  return {
    type: 'conversationUpdate',
    id: nextId(),
    serviceUrl,
    channelId: 'msteams',
    from: { id: `29:${user}`, aadObjectId: `aad-${user}` },
    recipient: BOT,
    conversation: { id: `a:personal-${user}`, conversationType: 'personal', tenantId: TENANT },
    channelData: { tenant: { id: TENANT } },
    membersAdded: [{ id: BOT.id }],
  };
}

/** "@Trellis <text>" in a team channel thread. */
export function channelMention(
  serviceUrl: string,
  user: string,
  channelId: string,
  text: string,
  channelName = 'Peer supervision',
): Record<string, unknown> {
  const mention = `<at>${BOT.name}</at>`;
  return {
    type: 'message',
    id: nextId(),
    serviceUrl,
    channelId: 'msteams',
    from: { id: `29:${user}`, name: `Coach ${user}`, aadObjectId: `aad-${user}` },
    recipient: BOT,
    conversation: {
      id: `${channelId};messageid=1700000000000`,
      conversationType: 'channel',
      isGroup: true,
      tenantId: TENANT,
    },
    channelData: { tenant: { id: TENANT }, team: { id: 'team-1' }, channel: { id: channelId, name: channelName } },
    text: `${mention} ${text}`,
    entities: [{ type: 'mention', text: mention, mentioned: BOT }],
  };
}

/** The coach's click on Allow or Decline of a file consent card: Teams sends a fileConsent/invoke to the bot. */
export function fileConsentInvoke(serviceUrl: string, user: string, value: unknown): Record<string, unknown> {
  return { ...personalMessage(serviceUrl, user, undefined), type: 'invoke', name: 'fileConsent/invoke', value };
}
