import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { type AckFn, type App, type Receiver, ReceiverMultipleAckError } from '@slack/bolt';
import { z } from 'zod';
import type { Clock, Logger } from '../../core/ports';
import { HttpError, readBody } from '../../http/body';
import { missingField } from './inbound-shape';
import { verifySlackSignature } from './signature';
import { RELEASE_ACK } from './write-first';

/** Slack's payloads are a few kilobytes; anything far larger is not Slack. */
const BODY_LIMIT = 1024 * 1024;
/** What Slack posts: JSON (Events API) or a form (slash commands, `payload=` interactivity). */
export const SLACK_BODY = {
  limit: BODY_LIMIT,
  types: ['application/json', 'application/x-www-form-urlencoded'],
} as const;
/** Slack gives up after 3 s; answer just before that if no listener acknowledged. */
const ACK_DEADLINE_MS = 2_800;

/** The fields the receiver reads. A strict shape (not loose): zod checks them without copying the whole body. */
const envelope = z.object({ type: z.string().optional(), ssl_check: z.string().optional() });
const urlVerification = z.object({ type: z.literal('url_verification'), challenge: z.string().max(200) });

export interface SlackHttpReceiverOptions {
  signingSecret: string;
  clock: Clock;
  log: Logger;
  ackDeadlineMs?: number;
}

/** An object whose envelope fields have the right types; it is passed on as parsed (the listeners check the rest). */
function checkedEnvelope(value: unknown): Record<string, unknown> {
  envelope.parse(value);
  return value as Record<string, unknown>;
}

/** Form-encoded slash commands, `payload=` JSON for interactivity, plain JSON for the Events API. */
function parseBody(raw: Buffer, contentType: string | undefined): Record<string, unknown> {
  const text = raw.toString('utf8');
  if (contentType?.startsWith('application/x-www-form-urlencoded')) {
    const form = parseQuery(text);
    if (typeof form.payload === 'string') return checkedEnvelope(JSON.parse(form.payload));
    return checkedEnvelope(form);
  }
  return checkedEnvelope(JSON.parse(text));
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Carries Slack's HTTP requests into Bolt on Trellis's own HTTP server (POST /slack/events), beside /healthz and
 * Teams. Transport only: verify the signature against the clock, parse, hand to `app.processEvent` with an ack
 * that writes the HTTP response. A rejected request never reaches Bolt, so nothing is stored.
 */
export class SlackHttpReceiver implements Receiver {
  private app?: App;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: SlackHttpReceiverOptions) {}

  init(app: App): void {
    this.app = app;
  }

  /** The shared HttpServer listens; nothing to start here. */
  start(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return this.idle();
  }

  /** Resolves when every request received so far has been fully handled, including work after its ack. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  readonly handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const { log, clock, signingSecret } = this.options;
    let raw: Buffer;
    try {
      // The shared server has already read (and size- and type-checked) the body when the route declares it.
      raw = (req as IncomingMessage & { rawBody?: Buffer }).rawBody ?? (await readBody(req, SLACK_BODY)).raw;
    } catch (error) {
      res.writeHead(error instanceof HttpError ? error.status : 400).end();
      return;
    }
    const check = verifySlackSignature(
      signingSecret,
      { signature: header(req, 'x-slack-signature'), timestamp: header(req, 'x-slack-request-timestamp') },
      raw,
      Math.floor(clock.now().getTime() / 1000),
    );
    if (!check.ok) {
      log.warn('slack request rejected', { reason: check.reason });
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid signature"}');
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = parseBody(raw, header(req, 'content-type'));
    } catch {
      log.warn('slack request body unreadable');
      res.writeHead(400).end();
      return;
    }
    if (body.ssl_check === '1') {
      res.writeHead(200).end();
      return;
    }
    // Checked by type first: a failed zod parse on every ordinary request would cost more than the check.
    const challenge = body.type === 'url_verification' ? urlVerification.safeParse(body) : undefined;
    if (challenge?.success) {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ challenge: challenge.data.challenge }));
      return;
    }
    const missing = missingField(body);
    if (missing) {
      // Field names only: a payload's values can carry a coach's words.
      log.warn('slack request incomplete', { type: typeof body.type === 'string' ? body.type : 'command', ...missing });
      res
        .writeHead(400, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: 'incomplete Slack payload', ...missing }));
      return;
    }
    if (!this.app) throw new Error('SlackHttpReceiver used before App.init');

    const retry = header(req, 'x-slack-retry-num');
    // Bolt acknowledges an Events API request before any listener runs; Slack does not retry a 200, so the answer
    // is held until the listener has stored what the event brought (RELEASE_ACK) or has finished.
    const holdUntilStored = body.type === 'event_callback';
    const gate = this.ackFor(res, holdUntilStored);
    const work = this.app
      .processEvent({
        body,
        ack: gate.ack,
        retryNum: retry !== undefined && /^\d+$/.test(retry) ? Number(retry) : undefined,
        retryReason: header(req, 'x-slack-retry-reason'),
        ...(holdUntilStored ? { customProperties: { [RELEASE_ACK]: gate.release } } : {}),
      })
      .then(() => {
        gate.release();
        // Every listener has finished and none acknowledged: Bolt found no listener (no event, no command name).
        // Say so now rather than let the ack deadline answer 500 later.
        if (res.headersSent) return;
        log.warn('slack request not handled', { type: body.type });
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"no handler for this request"}');
      })
      .catch((error: unknown) => {
        // Listener errors go to app.error; this is what escaped it (authorization, Bolt itself).
        log.error('slack request failed', { error });
        if (!res.headersSent) res.writeHead(500).end();
      })
      .finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
  };

  /**
   * The ack Bolt calls, writing the HTTP answer. With `hold`, Bolt's ack is only noted and the answer is written
   * when `release` is called too; `release(false)` (nothing stored) or the deadline without both answers 500, which
   * Slack retries.
   */
  private ackFor(res: ServerResponse, hold = false): { ack: AckFn<unknown>; release(stored?: boolean): void } {
    const { log } = this.options;
    let acked = false;
    let released = !hold;
    let pending: unknown;
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      if (acked) log.error('slack event not stored in time; answered 500 so Slack retries it');
      else log.error('slack request not acknowledged in time');
      res.writeHead(500).end();
    }, this.options.ackDeadlineMs ?? ACK_DEADLINE_MS);
    // A request answered without an ack (no listener) leaves this pending; it must not hold the process open.
    timer.unref();
    // Methods, not arrow functions held in constants: tsx (keepNames) names each of those with a defineProperty call
    // on every request. None of them uses `this`, so Bolt may call them detached.
    const gate = {
      answer(response?: unknown) {
        clearTimeout(timer);
        if (res.headersSent) return;
        if (response === undefined || response === '') {
          res.writeHead(200, { 'content-length': 0 }).end();
          return;
        }
        const json = typeof response !== 'string';
        const payload = Buffer.from(json ? JSON.stringify(response) : (response as string));
        // One write with a length, not chunked encoding.
        res
          .writeHead(200, {
            'content-type': json ? 'application/json' : 'text/plain; charset=utf-8',
            'content-length': payload.length,
          })
          .end(payload);
      },
      async ack(response?: unknown) {
        if (acked) throw new ReceiverMultipleAckError();
        acked = true;
        if (released) gate.answer(response);
        else pending = response;
      },
      release(stored = true) {
        if (released) return;
        released = true;
        if (stored) {
          if (acked) gate.answer(pending);
          return;
        }
        clearTimeout(timer);
        log.warn('slack event not stored; answered 500 so Slack retries it');
        if (!res.headersSent) res.writeHead(500).end();
      },
    };
    return gate;
  }
}
