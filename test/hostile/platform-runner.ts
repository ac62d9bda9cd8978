import { type AppContext, createAppContext } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import type { SlackPlatform } from '../../src/platforms/slack/app';
import { TEAMS_ROUTE } from '../../src/platforms/teams';
import { type RunningServer, startServer } from '../../src/server';
import { FixedClock } from '../helpers/clock';
import { FakeBotConnector } from '../helpers/fake-bot-connector';
import { FakeSlackApi } from '../helpers/fake-slack-api';
import { slackSignatureHeaders, slashCommandBody } from '../helpers/slack-signing';
import { tempDbFile } from '../helpers/temp-db';
import type { HostileCase } from './cases';
import { COUNTED_TABLES, type CountedTable, SLACK_USER, TEAMS_USER } from './platform-case-kit';
import type { SlackCase } from './platform-cases';
import type { TeamsCase } from './platform-cases-teams';

export const SIGNING_SECRET = 'hostile-signing-secret-0123456789abcdef';
export const TEAM = 'T0TEAM';
export const APP_ID = '00000000-0000-4000-8000-000000000002';
const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

/**
 * The server of src/main.ts (startServer, without the scheduler): one HttpServer with Slack (HTTP mode, Web API at a
 * FakeSlackApi) and Teams (with credentials, or in emulator mode, replying to a FakeBotConnector) on one port, the
 * real core and a SQLite file. The clock is fixed, so requests are signed at the server's time.
 */
export class PlatformServer {
  readonly slackApi = new FakeSlackApi({ teamId: TEAM });
  readonly connector = new FakeBotConnector();
  readonly clock = new FixedClock('2026-11-24T09:00:00Z');
  readonly logLines: string[] = [];
  app!: AppContext;
  slack!: SlackPlatform;
  port = 0;
  private server!: RunningServer;
  private db = tempDbFile();

  constructor(readonly teamsMode: 'authenticated' | 'emulator') {}

  async start(): Promise<this> {
    await this.slackApi.start();
    await this.connector.start();
    const teamsEnv =
      this.teamsMode === 'authenticated'
        ? { MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: 'not-a-real-secret' }
        : { BOT_EMULATOR: '1' };
    const config = loadConfig({
      TRELLIS_DB: this.db.file,
      TRELLIS_TZ: 'UTC',
      SLACK_BOT_TOKEN: 'xoxb-hostile-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: this.slackApi.url,
      ...teamsEnv,
    });
    if (!config.slack || !config.teams) throw new Error('hostile server: Slack and Teams must both be on');
    const log = createLogger('debug', {}, (line) => this.logLines.push(line));
    this.app = createAppContext(config, { clock: this.clock, log });
    this.server = await startServer(this.app, {
      port: 0,
      host: '127.0.0.1',
      scheduler: false,
      http: { requestTimeoutMs: 3000, headersTimeoutMs: 3000, timeoutCheckMs: 200 },
      slackSleep: async () => undefined,
    });
    if (!this.server.slack) throw new Error('hostile server: Slack did not start');
    this.slack = this.server.slack;
    this.port = this.server.port;
    return this;
  }

  async stop(): Promise<void> {
    await this.server.stop();
    this.app.close();
    await this.slackApi.stop();
    await this.connector.stop();
    this.db.cleanup();
  }

  counts(): Record<CountedTable, number> {
    const out = {} as Record<CountedTable, number>;
    for (const table of COUNTED_TABLES) {
      out[table] = this.app.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
    }
    return out;
  }

  nowSeconds(): number {
    return Math.floor(this.clock.now().getTime() / 1000);
  }
}

let counter = 0;
const nextId = (prefix: string) => `${prefix}hostile${(counter++).toString(36)}`;

/** Slack's exact shapes for a case's body, and the content type it goes with. */
function slackBody(server: PlatformServer, c: SlackCase): { body: string; type: string } {
  const b = c.body;
  if ('command' in b) {
    const triggerId = b.triggerId ?? nextId('trig.');
    const fields = new URLSearchParams(
      slashCommandBody({
        text: b.command,
        user: SLACK_USER,
        team: TEAM,
        triggerId,
        responseUrl: `${server.slackApi.url}response/${triggerId}`,
      }),
    );
    for (const name of b.omit ?? []) fields.delete(name);
    return { body: fields.toString(), type: FORM };
  }
  if ('view' in b) {
    const values: Record<string, Record<string, unknown>> = {};
    for (const [key, state] of Object.entries(b.view.ratings ?? {})) values[key] = { rating: state };
    if (b.view.note !== undefined) values.note = { note: { type: 'plain_text_input', ...(b.view.note as object) } };
    const payload = {
      type: 'view_submission',
      team: { id: TEAM, domain: 'example' },
      user: { id: SLACK_USER, username: 'hostile', team_id: TEAM },
      api_app_id: 'A0TRELLIS',
      token: 'deprecated-verification-token',
      trigger_id: nextId('trig.'),
      view: {
        ...(b.view.omitId ? {} : { id: nextId('V') }),
        team_id: TEAM,
        type: 'modal',
        callback_id: b.view.callbackId,
        private_metadata: '',
        state: { values },
        hash: '1700000000.abcd',
        app_id: 'A0TRELLIS',
        bot_id: 'B0BOT',
      },
    };
    return { body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), type: FORM };
  }
  if ('action' in b) {
    const triggerId = nextId('trig.');
    const payload = {
      type: 'block_actions',
      user: { id: SLACK_USER, username: 'hostile', team_id: TEAM },
      api_app_id: 'A0TRELLIS',
      token: 'deprecated-verification-token',
      container: { type: 'message', message_ts: '1700000000.000100', channel_id: 'D0HOSTILE', is_ephemeral: false },
      trigger_id: triggerId,
      team: { id: TEAM, domain: 'example' },
      channel: { id: 'D0HOSTILE', name: 'directmessage' },
      response_url: `${server.slackApi.url}response/${triggerId}`,
      actions: [
        {
          action_id: b.action,
          block_id: 'b1',
          type: 'button',
          text: { type: 'plain_text', text: b.action },
          ...(b.value !== undefined ? { value: b.value } : {}),
          action_ts: `${server.nowSeconds()}.000200`,
        },
      ],
    };
    return { body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), type: FORM };
  }
  if ('dm' in b) return { body: dmEvent(server, b.dm, b.eventId), type: JSON_TYPE };
  if ('json' in b) return { body: JSON.stringify(b.json), type: JSON_TYPE };
  return { body: typeof b.raw === 'function' ? b.raw() : b.raw, type: FORM };
}

/** A coach's plain message in their DM, as an Events API callback. */
export function dmEvent(server: PlatformServer, text: string, eventId = nextId('Ev')): string {
  const ts = `${server.nowSeconds()}.${String(counter++).padStart(6, '0')}`;
  return JSON.stringify({
    token: 'deprecated-verification-token',
    team_id: TEAM,
    api_app_id: 'A0TRELLIS',
    event: { type: 'message', channel: 'D0HOSTILE', channel_type: 'im', user: SLACK_USER, text, ts, event_ts: ts },
    type: 'event_callback',
    event_id: eventId,
    event_time: server.nowSeconds(),
    authorizations: [{ team_id: TEAM, user_id: 'U0BOT', is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  });
}

function signingHeaders(server: PlatformServer, sign: SlackCase['sign'], body: string): Record<string, string> {
  const now = server.nowSeconds();
  switch (sign ?? 'good') {
    case 'good':
      return slackSignatureHeaders(SIGNING_SECRET, body, now);
    case 'none':
      return {};
    case 'wrong-secret':
      return slackSignatureHeaders('another-apps-secret-0123456789abcdef', body, now);
    case 'forged':
      return { 'x-slack-signature': `v0=${'ab'.repeat(32)}`, 'x-slack-request-timestamp': String(now) };
    case 'stale':
      return slackSignatureHeaders(SIGNING_SECRET, body, now - 5 * 60 - 1);
  }
}

/** The requests a Slack case sends: the same bytes `times` times (retries add Slack's retry headers). */
export function slackRequests(server: PlatformServer, c: SlackCase): HostileCase[] {
  const { body, type } = slackBody(server, c);
  const contentType = c.contentType === undefined ? type : c.contentType;
  const headers: Record<string, string> = {
    ...(contentType === null ? {} : { 'content-type': contentType }),
    // A lying length is not signed: the body never arrives whole, and hashing 2 MiB proves nothing.
    ...(c.declaredLength !== undefined && c.declaredLength < body.length ? {} : signingHeaders(server, c.sign, body)),
  };
  return Array.from({ length: c.times ?? 1 }, (_, i) => ({
    name: `${c.name} #${i + 1}`,
    method: 'POST',
    path: '/slack/events',
    headers:
      i > 0 && c.retryHeaders
        ? { ...headers, 'x-slack-retry-num': String(i), 'x-slack-retry-reason': 'http_timeout' }
        : headers,
    body,
    chunked: c.chunked,
    declaredLength: c.declaredLength,
    expect: c.expect,
  }));
}

/**
 * A self-made JWT for our app id from an issuer the Bot Framework does not use (a forged token with the real
 * issuer is refused too, but only after fetching Microsoft's signing keys: nothing a test may do).
 */
function selfSignedToken(): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${b64({ alg: 'RS256', typ: 'JWT', kid: 'forged' })}.${b64({
    iss: 'https://issuer.invalid',
    aud: APP_ID,
    serviceurl: 'http://127.0.0.1/',
    nbf: now - 60,
    exp: now + 3600,
  })}.${Buffer.from('not a signature').toString('base64url')}`;
}

/** A message in the coach's personal chat, shaped as Teams sends it. */
export function teamsMessage(connectorUrl: string, text: string | undefined, set: Record<string, unknown> = {}) {
  const activity: Record<string, unknown> = {
    type: 'message',
    id: nextId('act-'),
    timestamp: '2026-11-24T09:00:00.000Z',
    serviceUrl: connectorUrl,
    channelId: 'msteams',
    from: { id: `29:${TEAMS_USER}`, name: 'Coach Hostile', aadObjectId: `aad-${TEAMS_USER}` },
    recipient: { id: '28:trellis-bot', name: 'Trellis' },
    conversation: { id: `a:personal-${TEAMS_USER}`, conversationType: 'personal', tenantId: 'tenant-1' },
    channelData: { tenant: { id: 'tenant-1' } },
    locale: 'en-GB',
    localTimezone: 'Europe/London',
    ...(text !== undefined ? { text } : {}),
  };
  for (const [key, value] of Object.entries(set)) {
    if (value === null) delete activity[key];
    else activity[key] = value;
  }
  return activity;
}

export function teamsRequest(server: PlatformServer, c: TeamsCase): HostileCase {
  const body =
    c.raw !== undefined
      ? typeof c.raw === 'function'
        ? c.raw()
        : c.raw
      : JSON.stringify(teamsMessage(server.connector.url, c.activity?.text, c.activity?.set));
  const auth =
    c.auth === 'garbage' ? 'Bearer garbage' : c.auth === 'self-signed' ? `Bearer ${selfSignedToken()}` : undefined;
  const contentType = c.contentType === undefined ? JSON_TYPE : c.contentType;
  return {
    name: c.name,
    method: 'POST',
    path: TEAMS_ROUTE,
    headers: {
      ...(contentType === null ? {} : { 'content-type': contentType }),
      ...(auth ? { authorization: auth } : {}),
    },
    body,
    chunked: c.chunked,
    declaredLength: c.declaredLength,
    expect: c.expect,
  };
}
