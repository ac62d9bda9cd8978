import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { recordSent } from './sent-payloads';

/** One Web API call as the fake received it. */
export interface RecordedCall {
  method: string;
  /** The parsed body: JSON, or form fields (with JSON-looking values such as `blocks` parsed). */
  body: Record<string, unknown>;
  headers: http.IncomingHttpHeaders;
  at: number;
  /** The raw body of a file upload (`upload/…`): the bytes Slack would store, as UTF-8. */
  raw?: string;
  /** What the fake answered (status and JSON body). */
  response?: { status: number; json?: Record<string, unknown> };
}

/** What the fake answers: a JSON body, or an HTTP status with headers (429 + Retry-After, 500). */
export type FakeResponse =
  | { status?: 200; json: Record<string, unknown> }
  | { status: number; headers?: Record<string, string>; json?: Record<string, unknown> };

export type Responder = (call: RecordedCall) => FakeResponse | undefined | Promise<FakeResponse | undefined>;

export interface FakeSlackOptions {
  /** Messages a second chat.postMessage allows before answering 429 + Retry-After (unset: unlimited). */
  postMessageRate?: number;
  teamId?: string;
  botUserId?: string;
}

function parseBody(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (!raw) return {};
  if (contentType?.includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    if (/^[[{]/.test(value)) {
      try {
        out[key] = JSON.parse(value);
        continue;
      } catch {
        // not JSON after all: keep the string
      }
    }
    out[key] = value;
  }
  return out;
}

/**
 * A fake Slack Web API on 127.0.0.1 that records every call. Sensible defaults answer the methods Trellis uses;
 * `respond` overrides any answer (errors, 429 + Retry-After, slow replies).
 */
export class FakeSlackApi {
  readonly calls: RecordedCall[] = [];
  /** Calls answered with an HTTP error status (429, 5xx): kept apart so `calls` holds what Slack accepted. */
  readonly refused: RecordedCall[] = [];
  private readonly server: http.Server;
  private readonly responders: Responder[] = [];
  private windowStart = 0;
  private windowCount = 0;
  private nextTs = 1_700_000_000;
  /** Messages posted per channel, for conversations.history. */
  readonly posted = new Map<string, Record<string, unknown>[]>();
  url = '';

  constructor(private readonly options: FakeSlackOptions = {}) {
    this.server = http.createServer((req, res) => {
      let raw = '';
      req.setEncoding('utf8');
      req.on('data', (chunk) => {
        raw += chunk;
      });
      req.on('end', () => void this.handle(req, res, raw));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
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

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  clear(): void {
    this.calls.length = 0;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse, raw: string): Promise<void> {
    const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0];
    let body: Record<string, unknown>;
    try {
      body = parseBody(raw, req.headers['content-type']);
    } catch {
      res.writeHead(400).end();
      return;
    }
    const call: RecordedCall = { method, body, headers: req.headers, at: Date.now() };
    if (!method.startsWith('upload/')) recordSent({ platform: 'slack', method, body });
    if (method.startsWith('upload/')) call.raw = raw;
    let response: FakeResponse | undefined;
    for (const responder of this.responders) {
      response = await responder(call);
      if (response) break;
    }
    response ??= this.rateLimit(call) ?? this.defaultResponse(call);
    call.response = { status: response.status ?? 200, json: response.json };
    if (response.status === undefined || response.status === 200) this.calls.push(call);
    else this.refused.push(call);
    const headers = { 'content-type': 'application/json', ...('headers' in response ? response.headers : {}) };
    res.writeHead(response.status ?? 200, headers).end(JSON.stringify(response.json ?? { ok: false }));
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
    const team = this.options.teamId ?? 'T0TEAM';
    const b = call.body;
    switch (call.method) {
      case 'auth.test':
        return {
          json: {
            ok: true,
            url: 'https://example.slack.com/',
            team: 'Example',
            user: 'trellis',
            team_id: team,
            user_id: this.options.botUserId ?? 'U0BOT',
            bot_id: 'B0BOT',
          },
        };
      case 'conversations.open': {
        const users = String(b.users ?? '');
        return { json: { ok: true, channel: { id: `D${users.replace(/^U/, '')}` } } };
      }
      case 'chat.postMessage': {
        const ts = `${this.nextTs++}.000100`;
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
      case 'conversations.history': {
        const messages = [...(this.posted.get(String(b.channel)) ?? [])].reverse();
        return { json: { ok: true, messages, has_more: false } };
      }
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
        return { json: { ok: true, upload_url: `${this.url}upload/F${this.nextTs}`, file_id: `F${this.nextTs++}` } };
      case 'files.completeUploadExternal':
        return { json: { ok: true, files: [{ id: 'F1' }] } };
      default:
        if (call.method.startsWith('upload/')) return { json: { ok: true } };
        return { json: { ok: true } };
    }
  }
}
