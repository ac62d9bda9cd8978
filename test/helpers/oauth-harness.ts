import { randomBytes } from 'node:crypto';
import { type AppContext, createAppContext } from '../../src/app';
import { loadConfig } from '../../src/config';
import type { Coach, CoachRef } from '../../src/core/model';
import type { Clock } from '../../src/core/ports';
import { createLogger } from '../../src/log';
import { createScheduler } from '../../src/schedule';
import { type RunningServer, startServer } from '../../src/server';
import { FixedClock } from './clock';
import { FakeSlackApi, type FakeWorkspace, type RecordedCall } from './fake-slack-api';
import { slackSignatureHeaders } from './slack-signing';
import { tempDbFile } from './temp-db';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const CLIENT_ID = '1111.2222';
export const CLIENT_SECRET = 'fake-client-secret-0123';
export const STATE_SECRET = 'state-secret-0123456789abcdef';
/** The same user id in every workspace: Slack user ids are unique only within one. */
export const USER = 'U0SAME';
export const DM = 'D0SAME';

export const A: FakeWorkspace = {
  teamId: 'T0AAA',
  botUserId: 'U0BOTA',
  botId: 'B0A',
  code: 'code-a',
  botToken: 'xoxb-a-1',
};
/** Token rotation on, and the first token close to expiry: its first use swaps it for a fresh one. */
export const B: FakeWorkspace = {
  teamId: 'T0BBB',
  botUserId: 'U0BOTB',
  botId: 'B0B',
  code: 'code-b',
  botToken: 'xoxb-b-1',
  refreshToken: 'xoxe-1-b',
  expiresIn: 600,
};
/** What B's token is after its first rotation at the fake. */
export const B_ROTATED = 'xoxb-b-1-r1';
/** An Enterprise Grid organisation, installed org-wide: one installation for all its workspaces. */
export const ORG: FakeWorkspace = {
  teamId: 'T0CCC',
  enterpriseId: 'E0ORG',
  orgWide: true,
  botUserId: 'U0BOTC',
  botId: 'B0C',
  code: 'code-org',
  botToken: 'xoxb-org-1',
};

/**
 * Trellis with "Add to Slack" on the server of `npm start` (127.0.0.1, port 0, no minute tick), a fresh encrypted
 * SQLite file, a fixed clock, and the fake Slack playing Slack's part of OAuth v2 (oauth.v2.access) and the Web API.
 * The browser's part (the install page, its state cookie, the redirect back) is plain fetch.
 */
export class OAuthHarness {
  readonly fake = new FakeSlackApi({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  readonly clock: FixedClock;
  readonly logLines: string[] = [];
  ctx!: AppContext;
  server!: RunningServer;
  url = '';
  private readonly db = tempDbFile();
  private n = 0;

  constructor(start = '2026-11-24T08:00:00Z') {
    this.clock = new FixedClock(start);
  }

  get dbFile(): string {
    return this.db.file;
  }

  async start(workspaces: FakeWorkspace[]): Promise<this> {
    await this.fake.start();
    for (const ws of workspaces) this.fake.addWorkspace(ws);
    const config = loadConfig({
      TRELLIS_DB: this.db.file,
      TRELLIS_TZ: 'UTC',
      TRELLIS_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      SLACK_CLIENT_ID: CLIENT_ID,
      SLACK_CLIENT_SECRET: CLIENT_SECRET,
      SLACK_STATE_SECRET: STATE_SECRET,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: this.fake.url,
    });
    this.ctx = createAppContext(config, {
      clock: this.clock as Clock,
      log: createLogger('debug', {}, (line) => this.logLines.push(line)),
    });
    this.server = await startServer(this.ctx, {
      port: 0,
      host: '127.0.0.1',
      platforms: ['slack'],
      scheduler: false,
      slackSleep: async () => undefined,
    });
    this.url = `http://127.0.0.1:${this.server.port}`;
    return this;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    this.ctx?.close();
    await this.fake.stop();
    this.db.cleanup();
  }

  /** The install page: its state cookie, and the Slack authorize URL its button links to. */
  async installPage() {
    const res = await fetch(`${this.url}/slack/install`);
    if (res.status !== 200) throw new Error(`the install page answered ${res.status}`);
    const cookie = res.headers.get('set-cookie') ?? '';
    const state = /slack-app-oauth-state=([^;]+)/.exec(cookie)?.[1];
    const href = /href="([^"]+)"/.exec(await res.text())?.[1]?.replace(/&amp;/g, '&');
    if (!state || !href) throw new Error('the install page carried no state or link');
    return { state, authorize: new URL(href), cookie: `slack-app-oauth-state=${state}` };
  }

  /** Slack's redirect back to Trellis with `query`, carrying `cookie` as the browser would. */
  redirect(query: string, cookie?: string) {
    return fetch(`${this.url}/slack/oauth_redirect?${query}`, { headers: cookie ? { cookie } : {} });
  }

  /** A whole install: the page, then Slack's redirect with the grant code in the browser that started it. */
  async install(ws: FakeWorkspace, code = ws.code) {
    const { state, cookie } = await this.installPage();
    return this.redirect(`code=${code}&state=${encodeURIComponent(state)}`, cookie);
  }

  signed(body: string, contentType: string) {
    return fetch(`${this.url}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': contentType,
        ...slackSignatureHeaders(SIGNING_SECRET, body, Math.floor(this.clock.now().getTime() / 1000)),
      },
      body,
    });
  }

  /** A slash command from USER in a workspace (or in a workspace of an org-wide install); resolves once handled. */
  async command(ws: FakeWorkspace, text: string) {
    const triggerId = `trig.${ws.teamId}.${++this.n}`;
    const body = new URLSearchParams({
      team_id: ws.teamId,
      team_domain: 'example',
      ...(ws.enterpriseId ? { enterprise_id: ws.enterpriseId } : {}),
      is_enterprise_install: ws.orgWide ? 'true' : 'false',
      channel_id: DM,
      channel_name: 'directmessage',
      user_id: USER,
      user_name: 'same',
      command: '/selfcheck',
      text,
      api_app_id: 'A0TRELLIS',
      response_url: `${this.fake.url}response/${triggerId}`,
      trigger_id: triggerId,
    }).toString();
    const res = await this.signed(body, 'application/x-www-form-urlencoded');
    const ack = await res.text();
    await this.server.slack?.idle();
    return { status: res.status, triggerId, ack };
  }

  /** An Events API callback from a workspace; resolves once handled. */
  async event(ws: FakeWorkspace, payload: Record<string, unknown>) {
    const body = JSON.stringify({
      team_id: ws.teamId,
      ...(ws.enterpriseId ? { enterprise_id: ws.enterpriseId } : {}),
      api_app_id: 'A0TRELLIS',
      event: payload,
      type: 'event_callback',
      event_id: `Ev${++this.n}`,
      event_time: Math.floor(this.clock.now().getTime() / 1000),
      is_enterprise_install: ws.orgWide === true,
      authorizations: [{ team_id: ws.teamId, user_id: ws.botUserId, is_bot: true }],
    });
    const res = await this.signed(body, 'application/json');
    await this.server.slack?.idle();
    return res.status;
  }

  ref(tenant: string): CoachRef {
    return { platform: 'slack', tenant, user: USER };
  }

  coach(tenant: string): Coach | undefined {
    return this.ctx.repos.coaches.find(this.ref(tenant));
  }

  /** A tenant's installation row as stored. */
  row(tenant: string) {
    return this.ctx.db
      .prepare('SELECT installation, uninstalled_at FROM slack_installations WHERE tenant = ?')
      .get(tenant) as { installation: string | null; uninstalled_at: string | null } | undefined;
  }

  /** chat.postMessage calls made with a token. */
  postsWith(token: string): RecordedCall[] {
    return this.fake.callsWith(token).filter((c) => c.method === 'chat.postMessage');
  }

  /** A post's delivery key ("prompt:coach:2:2026-11-24"), or '' for an untagged one. */
  keyOf(call: { body: Record<string, unknown> }): string {
    return String((call.body.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload?.key ?? '');
  }

  /** One scheduler tick at the clock's time, through the server's messengers; a backoff waits for a later tick. */
  runDue() {
    // A standing clock cannot wait out a backoff inside a run: the test moves the clock and ticks again.
    return createScheduler(this.ctx, this.server.messengers, { sender: { maxWaitMs: 0 } }).runDue(this.clock.now());
  }
}
