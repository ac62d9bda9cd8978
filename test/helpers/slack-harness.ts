import { type AppContext, createAppContext } from '../../src/app';
import { loadConfig } from '../../src/config';
import type { Clock } from '../../src/core/ports';
import { createLogger } from '../../src/log';
import type { SlackPlatform } from '../../src/platforms/slack/app';
import { type RunningServer, startServer } from '../../src/server';
import { FixedClock } from './clock';
import { FakeSlackApi, type RecordedCall } from './fake-slack-api';
import { recordSent } from './sent-payloads';
import { interactionBody, slackSignatureHeaders, slashCommandBody } from './slack-signing';
import { tempDbFile } from './temp-db';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const TEAM = 'T0TEAM';

export interface SlackResponse {
  status: number;
  text: string;
  json?: Record<string, unknown>;
}

let counter = 0;
const nextId = (prefix: string) => `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}`;

/**
 * The real Trellis Slack app (Bolt + our receiver) on the real server of `npm start` on 127.0.0.1 port 0, a fresh SQLite file,
 * and a FakeSlackApi for the Web API. Requests are signed as Slack signs them, with the harness clock's time.
 */
export class SlackHarness {
  readonly fake: FakeSlackApi;
  readonly clock: FixedClock;
  readonly logLines: string[] = [];
  /** Waits the app asked for (Retry-After), in ms; the harness sleeps none of them. */
  readonly waits: number[] = [];
  /** Waits the remover asked for (pacing, backoff, Retry-After), in ms: the harness clock moves on by each instead. */
  readonly removalWaits: number[] = [];
  ctx!: AppContext;
  slack!: SlackPlatform;
  private server?: RunningServer;
  private db?: { file: string; cleanup(): void };
  url = '';

  constructor(options: { start?: string; fake?: FakeSlackApi; dbFile?: string; env?: Record<string, string> } = {}) {
    this.fake = options.fake ?? new FakeSlackApi({ teamId: TEAM });
    this.clock = new FixedClock(options.start ?? '2026-11-24T09:00:00Z');
    this.dbFile = options.dbFile;
    this.env = options.env ?? {};
  }

  /** More settings for loadConfig (e.g. TRELLIS_WEBHOOK_SECRET). */
  private readonly env: Record<string, string>;

  private dbFile?: string;

  async start(): Promise<this> {
    if (!this.fake.url) await this.fake.start();
    if (!this.dbFile) {
      this.db = tempDbFile();
      this.dbFile = this.db.file;
    }
    const config = loadConfig({
      TRELLIS_DB: this.dbFile,
      TRELLIS_TZ: 'UTC',
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: this.fake.url,
      PORT: '0',
      ...this.env,
    });
    const log = createLogger('debug', {}, (line) => this.logLines.push(line));
    this.ctx = createAppContext(config, { clock: this.clock as Clock, log });
    // The server of `npm start` (src/server.ts), Slack only and without the scheduler's minute tick.
    this.server = await startServer(this.ctx, {
      port: 0,
      host: '127.0.0.1',
      platforms: ['slack'],
      scheduler: false,
      slackSleep: async (ms) => {
        this.waits.push(ms);
      },
      removalSleep: async (ms) => {
        this.removalWaits.push(ms);
        this.clock.advance(ms);
      },
    });
    if (!this.server.slack) throw new Error('harness: Slack did not start');
    this.slack = this.server.slack;
    this.url = `http://127.0.0.1:${this.server.port}`;
    return this;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    this.ctx?.close();
    await this.fake.stop();
    this.db?.cleanup();
  }

  /** Removes what is queued (a delete kicks this already; this joins it) and resolves with what it did. */
  removals() {
    if (!this.server) throw new Error('harness: not started');
    return this.server.removals.run();
  }

  /** Everything the app is still doing after its acks. */
  idle(): Promise<void> {
    return this.slack.idle();
  }

  nowSeconds(): number {
    return Math.floor(this.clock.now().getTime() / 1000);
  }

  /** Posts a raw body to /slack/events with the given headers (signed by the caller, or not). */
  async post(body: string, contentType: string, headers: Record<string, string>): Promise<SlackResponse> {
    const res = await fetch(`${this.url}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': contentType, ...headers },
      body,
    });
    const text = await res.text();
    let json: Record<string, unknown> | undefined;
    if (res.headers.get('content-type')?.includes('application/json') && text) json = JSON.parse(text);
    // An acknowledgement body is a message (slash command) or a view answer (view submission) Slack renders.
    if (json && res.status === 200) recordSent({ platform: 'slack', method: 'ack', body: json });
    return { status: res.status, text, json };
  }

  /** Posts a body signed as Slack signs it, at the harness clock's time unless told otherwise. */
  signedPost(body: string, contentType: string, extra: Record<string, string> = {}, timestamp = this.nowSeconds()) {
    return this.post(body, contentType, { ...slackSignatureHeaders(SIGNING_SECRET, body, timestamp), ...extra });
  }

  /** A slash command. Returns the HTTP answer (the ack) and the trigger id and response_url it carried. */
  async command(user: string, text: string, options: { triggerId?: string; channel?: string } = {}) {
    const triggerId = options.triggerId ?? nextId('trig.');
    const responseUrl = `${this.fake.url}response/${triggerId}`;
    const body = slashCommandBody({ text, user, team: TEAM, triggerId, responseUrl, channel: options.channel });
    const response = await this.signedPost(body, 'application/x-www-form-urlencoded');
    return { response, triggerId, responseUrl };
  }

  /** An interactivity payload (block_actions, view_submission), form-encoded as `payload=`. */
  interact(payload: Record<string, unknown>): Promise<SlackResponse> {
    return this.signedPost(interactionBody(payload), 'application/x-www-form-urlencoded');
  }

  /** An Events API callback (JSON). `retryNum` adds Slack's retry headers. */
  event(event: Record<string, unknown>, options: { eventId?: string; retryNum?: number } = {}) {
    const eventId = options.eventId ?? nextId('Ev');
    const body = JSON.stringify({
      token: 'deprecated-verification-token',
      team_id: TEAM,
      api_app_id: 'A0TRELLIS',
      event,
      type: 'event_callback',
      event_id: eventId,
      event_time: this.nowSeconds(),
      authorizations: [{ team_id: TEAM, user_id: 'U0BOT', is_bot: true, is_enterprise_install: false }],
      is_ext_shared_channel: false,
    });
    const extra: Record<string, string> =
      options.retryNum !== undefined
        ? { 'x-slack-retry-num': String(options.retryNum), 'x-slack-retry-reason': 'http_timeout' }
        : {};
    return this.signedPost(body, 'application/json', extra).then((response) => ({ response, eventId }));
  }

  /** A coach's plain message in their DM with the bot. */
  dm(user: string, text: string, options: { eventId?: string; retryNum?: number } = {}) {
    return this.event(
      {
        type: 'message',
        channel: `D${user.slice(1)}`,
        channel_type: 'im',
        user,
        text,
        ts: `${this.nowSeconds()}.${String(counter++).padStart(6, '0')}`,
        event_ts: `${this.nowSeconds()}.000001`,
      },
      options,
    );
  }

  /** A button press (block_actions) on a message in the coach's DM. */
  button(user: string, actionId: string, value?: string, options: { responseUrl?: boolean } = {}) {
    const triggerId = nextId('trig.');
    return this.interact({
      type: 'block_actions',
      user: { id: user, username: user.toLowerCase(), team_id: TEAM },
      api_app_id: 'A0TRELLIS',
      token: 'deprecated-verification-token',
      container: {
        type: 'message',
        message_ts: '1700000000.000100',
        channel_id: `D${user.slice(1)}`,
        is_ephemeral: false,
      },
      trigger_id: triggerId,
      team: { id: TEAM, domain: 'example' },
      channel: { id: `D${user.slice(1)}`, name: 'directmessage' },
      ...(options.responseUrl === false ? {} : { response_url: `${this.fake.url}response/${triggerId}` }),
      actions: [
        {
          action_id: actionId,
          block_id: 'b1',
          type: 'button',
          text: { type: 'plain_text', text: actionId },
          ...(value !== undefined ? { value } : {}),
          action_ts: `${this.nowSeconds()}.000200`,
        },
      ],
    }).then((response) => ({ response, triggerId }));
  }

  /**
   * Submits a modal the app opened (the view from its views.open call) with `values` as Slack's state:
   * values[blockId][actionId] = the element's state.
   */
  submitView(
    user: string,
    view: Record<string, unknown>,
    values: Record<string, Record<string, unknown>>,
    viewId?: string,
  ) {
    return this.interact({
      type: 'view_submission',
      team: { id: TEAM, domain: 'example' },
      user: { id: user, username: user.toLowerCase(), team_id: TEAM },
      api_app_id: 'A0TRELLIS',
      token: 'deprecated-verification-token',
      trigger_id: nextId('trig.'),
      view: {
        ...view,
        id: viewId ?? nextId('V'),
        team_id: TEAM,
        type: 'modal',
        state: { values },
        hash: '1700000000.abcd',
        app_id: 'A0TRELLIS',
        bot_id: 'B0BOT',
      },
    });
  }

  calls(method: string): RecordedCall[] {
    return this.fake.callsTo(method);
  }

  /** The last view the app opened with views.open. */
  lastOpenedView(): Record<string, unknown> {
    const opened = this.calls('views.open');
    if (opened.length === 0) throw new Error('no views.open call');
    return opened[opened.length - 1].body.view as Record<string, unknown>;
  }

  /** The text of every DM the app posted to `user` (chat.postMessage to their DM channel), oldest first. */
  dmTexts(user: string): string[] {
    return this.calls('chat.postMessage')
      .filter((c) => c.body.channel === `D${user.replace(/^U/, '')}`)
      .map((c) => String(c.body.text));
  }

  /** What the app posted to a response_url (ephemeral replies after the ack). */
  responses(triggerId?: string): RecordedCall[] {
    return this.fake.calls.filter((c) =>
      triggerId ? c.method === `response/${triggerId}` : c.method.startsWith('response/'),
    );
  }
}

/** Slack's state for a select: values[block][action].selected_option. */
export function selected(value: string) {
  return { type: 'static_select', selected_option: { value, text: { type: 'plain_text', text: value } } };
}

/** A self-check modal's state: ratings in behaviour order ('-' or undefined skips), and a note. */
export function selfCheckValues(ratings: (string | undefined)[], note?: string) {
  const keys = ['context', 'respect', 'talents', 'empathy', 'feelings', 'openness'];
  const values: Record<string, Record<string, unknown>> = {};
  keys.forEach((key, i) => {
    values[key] = {
      rating:
        ratings[i] === undefined ? { type: 'static_select', selected_option: null } : selected(ratings[i] as string),
    };
  });
  values.note = { note: { type: 'plain_text_input', value: note ?? null } };
  return values;
}

/** The field errors of a `response_action: 'errors'` answer ({} when there are none). */
export function viewErrors(response: SlackResponse): Record<string, string> {
  return (response.json?.errors ?? {}) as Record<string, string>;
}
