import { FakeSlackOAuth, type FakeWorkspace } from './fake-slack-oauth';
import { type FakeResponse, FakeSlackWire, type RecordedCall, type Responder } from './fake-slack-wire';

export type { FakeWorkspace } from './fake-slack-oauth';
export type { FakeResponse, RecordedCall, Responder } from './fake-slack-wire';

export interface FakeSlackOptions {
  /** The app's OAuth credentials; oauth.v2.access refuses others (default: any). */
  clientId?: string;
  clientSecret?: string;
  /** Messages a second chat.postMessage allows before answering 429 + Retry-After (unset: unlimited). */
  postMessageRate?: number;
  teamId?: string;
  botUserId?: string;
  /** The clock message timestamps are taken from (ms since the epoch); default the real one. */
  now?: () => number;
}

/** A file between files.getUploadURLExternal and its completion. */
interface PendingFile {
  filename: string;
  length: number;
  uploaded: boolean;
}

const SLACK_TS = /^\d+(\.\d+)?$/;

/**
 * A fake Slack Web API on 127.0.0.1 that records every call. Sensible defaults answer the methods Trellis uses;
 * `respond` overrides any answer (errors, 429 + Retry-After, slow replies).
 */
export class FakeSlackApi {
  /** The HTTP side: parsing, recording, answering (fake-slack-wire.ts). */
  private readonly wire = new FakeSlackWire((call) => this.answer(call));
  private readonly responders: Responder[] = [];
  private windowStart = 0;
  private windowCount = 0;
  private nextTs = 1_700_000_000;
  /** The last message timestamp handed out, in microseconds: each new one is later, as Slack's are. */
  private lastTsMicros = 0;
  /** Messages posted per channel (chat.postMessage), for conversations.history; chat.delete takes them out. */
  readonly posted = new Map<string, Record<string, unknown>[]>();
  /** File share messages per channel (files.completeUploadExternal with a channel_id), also in the history. */
  readonly shared = new Map<string, Record<string, unknown>[]>();
  private readonly pendingFiles = new Map<string, PendingFile>();
  /** Files uploaded and completed (by file id) and not deleted. */
  readonly files = new Set<string>();
  /** What chat.delete and files.delete really removed: `channel ts` for a message, the id for a file. */
  readonly removed: string[] = [];
  /** "Add to Slack": the workspaces it can install in, the tokens it issued and revoked (fake-slack-oauth.ts). */
  readonly oauth: FakeSlackOAuth;

  constructor(private readonly options: FakeSlackOptions = {}) {
    this.oauth = new FakeSlackOAuth(options);
  }

  /** Every call Slack accepted (answered 200), in order. */
  get calls(): RecordedCall[] {
    return this.wire.calls;
  }

  /** Calls answered with an HTTP error status (429, 5xx) or a reset: kept apart so `calls` holds what Slack accepted. */
  get refused(): RecordedCall[] {
    return this.wire.refused;
  }

  /** The Web API's base URL once started ("http://127.0.0.1:port/api/"). */
  get url(): string {
    return this.wire.url;
  }

  async start(): Promise<this> {
    await this.wire.start();
    return this;
  }

  stop(): Promise<void> {
    return this.wire.stop();
  }

  /** Adds a responder; the most recently added one that returns something wins. */
  respond(responder: Responder): void {
    this.responders.unshift(responder);
  }

  /** Answers `method` with `response` once (or `times` times). */
  respondOnce(method: string, response: FakeResponse, times = 1): void {
    let left = times;
    this.respond((call) => {
      if (call.method !== method || left <= 0) return undefined;
      left--;
      return response;
    });
  }

  /**
   * Lets `method` take effect as Slack would (the message is posted, the file shared), then answers `response`
   * instead of Slack's answer, once (or `times` times): a reply lost on the way back, as after a timeout or a 5xx
   * from a proxy. The caller cannot tell from the answer that it landed.
   */
  landThenAnswer(
    method: string,
    response: FakeResponse,
    times = 1,
    match: (call: RecordedCall) => boolean = () => true,
  ): void {
    let left = times;
    this.respond((call) => {
      if (call.method !== method || left <= 0 || !match(call)) return undefined;
      left--;
      this.defaultResponse(call);
      return response;
    });
  }

  /** Messages carrying this delivery key in their metadata, in any conversation. */
  postsWithKey(key: string): Record<string, unknown>[] {
    return [...this.posted.values()]
      .flat()
      .filter((m) => (m.metadata as { event_payload?: { key?: unknown } } | undefined)?.event_payload?.key === key);
  }

  /** Files shared into a conversation, by name. */
  sharedFiles(channel: string): string[] {
    return (this.shared.get(channel) ?? []).flatMap((m) => (m.files as { name: string }[]).map((f) => f.name));
  }

  /** Makes a workspace installable: its grant code exchanges for its bot token at oauth.v2.access. */
  addWorkspace(workspace: FakeWorkspace): void {
    this.oauth.addWorkspace(workspace);
  }

  /** Slack forgets a token (the app was uninstalled, or the token revoked). */
  revoke(token: string): void {
    this.oauth.revoked.add(token);
  }

  /** Calls made with this bearer token. */
  callsWith(token: string): RecordedCall[] {
    return this.calls.filter((c) => c.token === token);
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  clear(): void {
    this.calls.length = 0;
  }

  /** The responders' answer, the most recent first; else Slack's own (after the rate limit, if one is set). */
  private async answer(call: RecordedCall): Promise<FakeResponse> {
    for (const responder of this.responders) {
      const response = await responder(call);
      if (response) return response;
    }
    return this.rateLimit(call) ?? this.defaultResponse(call);
  }

  /** A message timestamp from the fake's clock, unique and increasing ("1764547200.000123"). */
  private messageTs(): string {
    const now = (this.options.now ?? Date.now)() * 1000;
    this.lastTsMicros = Math.max(Math.floor(now), this.lastTsMicros + 1);
    return `${Math.floor(this.lastTsMicros / 1e6)}.${String(this.lastTsMicros % 1e6).padStart(6, '0')}`;
  }

  /** Everything in a channel (posts and file shares), newest first, as conversations.history lists it. */
  private timeline(channel: string): Record<string, unknown>[] {
    const all = [...(this.posted.get(channel) ?? []), ...(this.shared.get(channel) ?? [])];
    return all.sort((a, b) => Number(b.ts) - Number(a.ts));
  }

  /**
   * conversations.history as Slack answers it: messages after `oldest` (exclusive unless `inclusive`) and up to
   * `latest`, newest first, `limit` a page (default 100, at most 999) with a cursor for the next; message metadata
   * only with include_all_metadata. A malformed timestamp or a cursor it never issued is refused.
   */
  private history(b: Record<string, unknown>): FakeResponse {
    if (typeof b.channel !== 'string' || !b.channel) return { json: { ok: false, error: 'channel_not_found' } };
    for (const field of ['oldest', 'latest'] as const) {
      if (b[field] !== undefined && !SLACK_TS.test(String(b[field]))) {
        return { json: { ok: false, error: `invalid_ts_${field}` } };
      }
    }
    const flag = (v: unknown) => v === true || v === 'true' || v === '1' || v === 1;
    const oldest = b.oldest === undefined ? 0 : Number(b.oldest);
    const latest = b.latest === undefined ? Number.POSITIVE_INFINITY : Number(b.latest);
    const inclusive = flag(b.inclusive);
    const limit = Math.min(999, Math.max(1, b.limit === undefined ? 100 : Number(b.limit)));
    let offset = 0;
    if (b.cursor !== undefined) {
      const decoded = /^offset:(\d+)$/.exec(Buffer.from(String(b.cursor), 'base64').toString('utf8'));
      if (!decoded) return { json: { ok: false, error: 'invalid_cursor' } };
      offset = Number(decoded[1]);
    }
    const inWindow = this.timeline(b.channel).filter((m) => {
      const ts = Number(m.ts);
      return (inclusive ? ts >= oldest : ts > oldest) && (inclusive ? ts <= latest : ts < latest);
    });
    const page = inWindow.slice(offset, offset + limit);
    const withMetadata = flag(b.include_all_metadata);
    const messages = page.map(({ metadata, ...m }) => (withMetadata && metadata ? { ...m, metadata } : m));
    const hasMore = offset + limit < inWindow.length;
    const next = hasMore ? Buffer.from(`offset:${offset + limit}`).toString('base64') : '';
    return { json: { ok: true, messages, has_more: hasMore, response_metadata: { next_cursor: next } } };
  }

  /** files.getUploadURLExternal: a file name and a length are required. */
  private uploadUrl(b: Record<string, unknown>): FakeResponse {
    const length = Number(b.length);
    if (typeof b.filename !== 'string' || !b.filename || !Number.isInteger(length) || length < 1) {
      return { json: { ok: false, error: 'invalid_arguments' } };
    }
    const id = `F${this.nextTs++}`;
    this.pendingFiles.set(id, { filename: b.filename, length, uploaded: false });
    return { json: { ok: true, upload_url: `${this.url}upload/${id}`, file_id: id } };
  }

  /**
   * files.completeUploadExternal: every file must have been asked for and its bytes sent; with a channel_id the
   * files are shared there in one message (the file share that conversations.history then lists).
   */
  private completeUpload(b: Record<string, unknown>): FakeResponse {
    const files = Array.isArray(b.files) ? (b.files as { id?: unknown; title?: unknown }[]) : undefined;
    if (!files?.length) return { json: { ok: false, error: 'invalid_arguments' } };
    const done: Record<string, unknown>[] = [];
    for (const f of files) {
      const pending = this.pendingFiles.get(String(f.id));
      if (!pending?.uploaded) return { json: { ok: false, error: 'file_not_found' } };
      done.push({
        id: f.id,
        name: pending.filename,
        title: typeof f.title === 'string' ? f.title : pending.filename,
        size: pending.length,
        mimetype: pending.filename.endsWith('.png') ? 'image/png' : 'application/octet-stream',
      });
    }
    for (const f of files) {
      this.pendingFiles.delete(String(f.id));
      this.files.add(String(f.id));
    }
    if (typeof b.channel_id === 'string' && b.channel_id) {
      const list = this.shared.get(b.channel_id) ?? [];
      const text = typeof b.initial_comment === 'string' ? b.initial_comment : '';
      list.push({
        type: 'message',
        ts: this.messageTs(),
        user: this.options.botUserId ?? 'U0BOT',
        text,
        upload: true,
        files: done,
      });
      this.shared.set(b.channel_id, list);
    }
    return { json: { ok: true, files: done } };
  }

  private rateLimit(call: RecordedCall): FakeResponse | undefined {
    const rate = this.options.postMessageRate;
    if (!rate || call.method !== 'chat.postMessage') return undefined;
    const now = Date.now();
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.windowCount = 0;
    }
    if (this.windowCount >= rate) {
      const wait = Math.max(1, Math.ceil((1000 - (now - this.windowStart)) / 1000));
      return { status: 429, headers: { 'retry-after': String(wait) }, json: { ok: false, error: 'ratelimited' } };
    }
    this.windowCount++;
    return undefined;
  }

  private defaultResponse(call: RecordedCall): FakeResponse {
    if (call.token && this.oauth.revoked.has(call.token)) return { json: { ok: false, error: 'token_revoked' } };
    const ws = this.oauth.workspaceOf(call.token);
    const team = ws?.teamId ?? this.options.teamId ?? 'T0TEAM';
    const b = call.body;
    switch (call.method) {
      case 'oauth.v2.access':
        return { json: this.oauth.access(b) };
      case 'auth.test':
        return {
          json: {
            ok: true,
            url: 'https://example.slack.com/',
            team: ws?.teamName ?? 'Example',
            user: 'trellis',
            team_id: team,
            user_id: ws?.botUserId ?? this.options.botUserId ?? 'U0BOT',
            bot_id: ws?.botId ?? 'B0BOT',
            ...(ws?.enterpriseId ? { enterprise_id: ws.enterpriseId, is_enterprise_install: ws.orgWide === true } : {}),
          },
        };
      case 'conversations.open': {
        const users = String(b.users ?? '');
        return { json: { ok: true, channel: { id: `D${users.replace(/^U/, '')}` } } };
      }
      case 'chat.postMessage': {
        const metadata = b.metadata as { event_type?: unknown; event_payload?: unknown } | undefined;
        if (
          metadata !== undefined &&
          (typeof metadata.event_type !== 'string' || typeof metadata.event_payload !== 'object')
        ) {
          return { json: { ok: false, error: 'invalid_metadata_format' } };
        }
        const ts = this.messageTs();
        const channel = String(b.channel);
        const list = this.posted.get(channel) ?? [];
        list.push({ ...b, ts, type: 'message', bot_id: 'B0BOT' });
        this.posted.set(channel, list);
        return { json: { ok: true, channel, ts, message: { text: b.text, ts } } };
      }
      case 'chat.postEphemeral':
        return { json: { ok: true, message_ts: `${this.nextTs++}.000200` } };
      case 'chat.update':
        return { json: { ok: true, channel: b.channel, ts: b.ts } };
      case 'conversations.history':
        return this.history(b);
      case 'users.info':
        return {
          json: {
            ok: true,
            user: {
              id: b.user,
              team_id: team,
              name: String(b.user).toLowerCase(),
              real_name: `Coach ${b.user}`,
              tz: 'Europe/London',
              tz_offset: 0,
              profile: { email: `${String(b.user).toLowerCase()}@example.com` },
            },
          },
        };
      case 'views.open':
      case 'views.update':
      case 'views.push':
        return { json: { ok: true, view: { id: `V${this.nextTs++}`, ...(b.view as object) } } };
      case 'views.publish':
        return { json: { ok: true, view: { id: `V${this.nextTs++}` } } };
      case 'files.getUploadURLExternal':
        return this.uploadUrl(b);
      case 'files.completeUploadExternal':
        return this.completeUpload(b);
      case 'chat.delete': {
        const list = this.posted.get(String(b.channel)) ?? [];
        const at = list.findIndex((m) => m.ts === b.ts);
        if (at < 0) return { json: { ok: false, error: 'message_not_found' } };
        list.splice(at, 1);
        this.removed.push(`${b.channel} ${b.ts}`);
        return { json: { ok: true, channel: b.channel, ts: b.ts } };
      }
      case 'files.delete': {
        if (!this.files.delete(String(b.file))) return { json: { ok: false, error: 'file_not_found' } };
        this.removed.push(String(b.file));
        return { json: { ok: true } };
      }
      default:
        if (call.method.startsWith('upload/')) {
          const pending = this.pendingFiles.get(call.method.slice('upload/'.length));
          if (!pending) return { status: 404, json: { ok: false } };
          pending.uploaded = true;
          return { json: { ok: true } };
        }
        return { json: { ok: true } };
    }
  }
}
