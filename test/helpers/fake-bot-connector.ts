import http from 'node:http';
import { closeServer, listenOnLoopback } from './loopback';
import { recordSent } from './sent-payloads';

/** One Bot Connector call as the fake received it. */
export interface ConnectorCall {
  kind: 'send' | 'reply' | 'update' | 'create' | 'delete' | 'other';
  method: string;
  path: string;
  conversationId?: string;
  /** For reply: the activity replied to. For update: the activity replaced. */
  activityId?: string;
  body: Record<string, unknown>;
  headers: http.IncomingHttpHeaders;
}

/**
 * A fake Bot Connector (the Teams service a bot calls back) on 127.0.0.1. Activities posted to the bot carry
 * `serviceUrl: connector.url`, so every reply, card update, proactive send and new conversation lands here.
 */
export class FakeBotConnector {
  readonly calls: ConnectorCall[] = [];
  private readonly server: http.Server;
  private nextId = 1;
  /** Answers the next calls with this status (a 403 from a coach who blocked the bot, a 429). */
  private failures: { status: number; headers?: Record<string, string> }[] = [];
  url = '';
  /** Calls answered, recorded or not. */
  answered = 0;
  /** Activities sent and not deleted, as `conversation activityId`. */
  readonly live = new Set<string>();
  /** What DELETE really removed, as `conversation activityId`. */
  readonly removed: string[] = [];

  /**
   * `record: false` only counts calls (benchmarks), so memory stays flat under load. `latencyMs`: how long the
   * connector takes to answer once it has taken a call (and recorded it): a sender killed meanwhile has posted
   * without knowing.
   */
  constructor(private readonly options: { record?: boolean; latencyMs?: number } = {}) {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.handle(req, res, Buffer.concat(chunks).toString('utf8')));
    });
  }

  async start(): Promise<this> {
    this.url = await listenOnLoopback(this.server);
    return this;
  }

  stop(): Promise<void> {
    return closeServer(this.server);
  }

  failNext(status: number, headers?: Record<string, string>): void {
    this.failures.push({ status, headers });
  }

  /** Activities the bot sent (replies, sends, updates), oldest first. */
  activities(filter: (c: ConnectorCall) => boolean = () => true): ConnectorCall[] {
    return this.calls.filter((c) => (c.kind === 'send' || c.kind === 'reply' || c.kind === 'update') && filter(c));
  }

  clear(): void {
    this.calls.length = 0;
  }

  /** Polls until `predicate` holds, within a bounded deadline. */
  async waitFor<T>(predicate: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = predicate();
      if (value) return value;
      if (Date.now() > deadline) throw new Error('FakeBotConnector: condition not met in time');
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse, raw: string): void {
    let body: Record<string, unknown> = {};
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      res.writeHead(400).end();
      return;
    }
    const path = (req.url ?? '').split('?')[0];
    const method = req.method ?? 'GET';
    const m = /^\/v3\/conversations(?:\/([^/]+)\/activities(?:\/([^/]+))?)?\/?$/.exec(path);
    let kind: ConnectorCall['kind'] = 'other';
    if (m && !m[1] && method === 'POST') kind = 'create';
    else if (m?.[1] && method === 'POST') kind = m[2] ? 'reply' : 'send';
    else if (m?.[1] && m[2] && method === 'PUT') kind = 'update';
    else if (m?.[1] && m[2] && method === 'DELETE') kind = 'delete';
    // A member lookup (TeamsInfo.getMember): Teams ids "29:<name>" are people of the tenant, "aad-<name>" their AAD ids.
    const member = /^\/v3\/conversations\/[^/]+\/members\/([^/]+)$/.exec(path);
    if (member && method === 'GET') {
      const id = decodeURIComponent(member[1]);
      const name = id.replace(/^29:/, '');
      res.writeHead(id.startsWith('29:') ? 200 : 404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          id.startsWith('29:')
            ? { id, name: `Coach ${name}`, aadObjectId: `aad-${name}` }
            : { error: { code: 'MemberNotFoundInConversation', message: 'not found' } },
        ),
      );
      return;
    }
    const failure = this.failures.shift();
    if (failure) {
      res.writeHead(failure.status, { 'content-type': 'application/json', ...failure.headers });
      res.end(JSON.stringify({ error: { code: 'Failure', message: `fake ${failure.status}` } }));
      return;
    }
    const call: ConnectorCall = {
      kind,
      method,
      path,
      conversationId: m?.[1] ? decodeURIComponent(m[1]) : undefined,
      activityId: m?.[2] ? decodeURIComponent(m[2]) : undefined,
      body,
      headers: req.headers,
    };
    this.answered++;
    if (this.options.record !== false) recordSent({ platform: 'teams', method: kind, body });
    if (this.options.record !== false) this.calls.push(call);
    const latency = this.options.latencyMs ?? 0;
    if (latency > 0) setTimeout(() => this.answer(res, kind, call), latency);
    else this.answer(res, kind, call);
  }

  private answer(res: http.ServerResponse, kind: ConnectorCall['kind'], call: ConnectorCall): void {
    if (res.destroyed) return;
    if (kind === 'delete') {
      // Like the Bot Connector: a 404 for an activity that is not (or no longer) there.
      const key = `${call.conversationId} ${call.activityId}`;
      const found = this.live.delete(key);
      if (found) this.removed.push(key);
      res.writeHead(found ? 200 : 404, { 'content-type': 'application/json' });
      res.end(found ? '{}' : JSON.stringify({ error: { code: 'ActivityNotFound', message: 'not found' } }));
      return;
    }
    res.writeHead(kind === 'create' ? 201 : 200, { 'content-type': 'application/json' });
    if (kind === 'create') {
      // Like Teams: a post to a channel starts a thread whose id is the channel's with ";messageid=" and the post's id.
      const channel = (call.body as { channelData?: { channel?: { id?: string } } } | undefined)?.channelData?.channel
        ?.id;
      const activityId = `${this.nextId++}`;
      const created = { id: channel ? `${channel};messageid=${activityId}` : `conv-${activityId}`, activityId };
      this.live.add(`${created.id} ${created.activityId}`);
      res.end(JSON.stringify(created));
    } else if (kind === 'update') res.end(JSON.stringify({ id: call.activityId }));
    else {
      const id = `act-${this.nextId++}`;
      if (call.conversationId && this.options.record !== false) this.live.add(`${call.conversationId} ${id}`);
      res.end(JSON.stringify({ id }));
    }
  }
}

/** What a coach reads in an activity: its text, or the text of its Adaptive Card (text blocks, facts, inputs, buttons). */
export function activityText(activity: Record<string, unknown>): string {
  const parts: string[] = [];
  if (typeof activity.text === 'string') parts.push(activity.text);
  const attachments = (activity.attachments ?? []) as { content?: unknown }[];
  for (const a of attachments) collectCardText(a.content, parts);
  return parts.join('\n').replace(/\*\*([^*\n]+)\*\*/g, '$1');
}

function collectCardText(node: unknown, parts: string[]): void {
  if (Array.isArray(node)) {
    for (const n of node) collectCardText(n, parts);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const el = node as Record<string, unknown>;
  if (el.type === 'TextBlock' && typeof el.text === 'string') parts.push(el.text);
  if (el.type === 'FactSet')
    for (const f of el.facts as { title: string; value: string }[]) parts.push(`${f.title}  ${f.value}`);
  if (typeof el.label === 'string') parts.push(el.label);
  // A chart drawn into the card reads as the terminal shows it (toPlainText): its alt text.
  if (el.type === 'Image' && typeof el.altText === 'string' && String(el.url).startsWith('data:image/png;base64,'))
    parts.push(`[chart: ${el.altText}]`);
  if (typeof el.type === 'string' && el.type.startsWith('Action.') && typeof el.title === 'string')
    parts.push(`[${el.title}]`);
  collectCardText(el.body, parts);
  collectCardText(el.actions, parts);
}

/** The Adaptive Card in an activity, if it has one. */
export function cardOf(activity: Record<string, unknown>): Record<string, unknown> | undefined {
  const a = ((activity.attachments ?? []) as { contentType?: string; content?: Record<string, unknown> }[]).find(
    (x) => x.contentType === 'application/vnd.microsoft.card.adaptive',
  );
  return a?.content;
}
