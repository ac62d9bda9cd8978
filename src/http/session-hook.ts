import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { AppContext } from '../app';
import { isTrellisError } from '../core/errors';
import { type SessionEnded, sessionEndedSchema } from '../core/journey';
import { localDate } from '../core/time';
import { coachRecipient } from '../schedule/delivery';
import { deliveryStore } from '../store/deliveries';
import type { BufferedRequest, HttpServer } from './server';

/**
 * POST /hooks/session-ended: a booking or calendar tool says a coaching session ended, and Trellis DMs the coach the
 * after-session form a few minutes later (`settings after-session 10m|off`) through the outbox, so the DM goes out
 * exactly once and survives a restart. Signed like Slack's requests: X-Trellis-Timestamp (Unix seconds) and
 * X-Trellis-Signature = "v0=" + hex HMAC-SHA256 of "v0:<timestamp>:<raw body>" under TRELLIS_WEBHOOK_SECRET, within
 * five minutes of our clock, compared in constant time. Unsigned, stale or malformed requests get a 4xx and store
 * nothing; a repeat of an event (same `id`, or same coach and endedAt) is answered 200 and stores nothing.
 */
export const SESSION_HOOK_PATH = '/hooks/session-ended';
export const HOOK_MAX_AGE_SECONDS = 5 * 60;
/** The delivery kind of the after-session DM (src/schedule/after-session.ts). */
export const AFTER_SESSION_KIND = 'after-session';

export function hookSignature(secret: string, timestamp: string, body: string | Buffer): string {
  const hmac = createHmac('sha256', secret);
  hmac.update(`v0:${timestamp}:`);
  hmac.update(body);
  return `v0=${hmac.digest('hex')}`;
}

export function verifyHookSignature(
  secret: string,
  headers: { signature?: string; timestamp?: string },
  body: Buffer,
  nowSeconds: number,
): string | undefined {
  const { signature, timestamp } = headers;
  if (!signature || !timestamp) return 'missing X-Trellis-Signature or X-Trellis-Timestamp header';
  if (!/^\d{1,12}$/.test(timestamp)) return 'X-Trellis-Timestamp must be Unix seconds';
  if (Math.abs(nowSeconds - Number(timestamp)) > HOOK_MAX_AGE_SECONDS)
    return 'X-Trellis-Timestamp is more than five minutes from our clock: sign the request again';
  const expected = Buffer.from(hookSignature(secret, timestamp, body));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return 'signature mismatch: sign "v0:<timestamp>:<body>" with TRELLIS_WEBHOOK_SECRET';
  return undefined;
}

/** The outbox's local-date slot for an event: unique per event, so two sessions on one day are two DMs. */
export const afterSessionSlot = (date: string, eventId: number) => `${date}#e${eventId}`;
export const eventIdOfSlot = (slot: string): number | undefined => {
  const m = /#e(\d{1,12})$/.exec(slot);
  return m ? Number(m[1]) : undefined;
};

const answer = (res: ServerResponse, status: number, body: Record<string, unknown>) => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};

/** Mounts the hook on the shared HTTP server; only when TRELLIS_WEBHOOK_SECRET is set. */
export function mountSessionHook(
  http: HttpServer,
  app: Pick<AppContext, 'config' | 'trellis' | 'db' | 'clock' | 'log'>,
): void {
  const secret = app.config.webhookSecret;
  if (!secret) return;
  const deliveries = deliveryStore(app.db);
  http.route(
    'POST',
    SESSION_HOOK_PATH,
    (req, res) => {
      const body = (req as BufferedRequest).rawBody;
      const now = app.clock.now();
      const header = (name: string) => {
        const v = req.headers[name];
        return Array.isArray(v) ? v[0] : v;
      };
      const refused = verifyHookSignature(
        secret,
        { signature: header('x-trellis-signature'), timestamp: header('x-trellis-timestamp') },
        body,
        Math.floor(now.getTime() / 1000),
      );
      if (refused) {
        app.log.info('session hook refused', { reason: 'signature' });
        return answer(res, 401, { error: refused });
      }
      let json: unknown;
      try {
        json = JSON.parse(body.toString('utf8'));
      } catch {
        return answer(res, 400, { error: 'the body is not JSON' });
      }
      const parsed = sessionEndedSchema.safeParse(json);
      if (!parsed.success) {
        // Field names and rules only: the values sent are never echoed.
        const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
        return answer(res, 400, {
          error: `fix these fields: ${problems.join('; ')}`,
          expected:
            '{"coach": "platform:tenant:user" or an email, "endedAt": ISO 8601, "minutes"?: 1-600, "clientCode"?, "id"?}',
        });
      }
      const event: SessionEnded = parsed.data;
      try {
        const result = app.trellis.journey.sessionEnded(event, (coach, eventId, dueAt) => {
          deliveries.enqueue(
            {
              recipient: coachRecipient(coach.id),
              coachId: coach.id,
              platform: coach.platform,
              kind: AFTER_SESSION_KIND,
              localDate: afterSessionSlot(localDate(new Date(event.endedAt), coach.settings.timeZone), eventId),
              dueAt,
            },
            now.toISOString(),
          );
        });
        app.log.info('session hook', { status: result.status, eventId: result.eventId });
        if (result.status === 'duplicate') return answer(res, 200, { status: 'duplicate', event: result.eventId });
        if (result.status === 'off') return answer(res, 202, { status: 'off', event: result.eventId });
        return answer(res, 202, { status: 'scheduled', event: result.eventId, dueAt: result.dueAt });
      } catch (error) {
        if (!isTrellisError(error)) throw error;
        if (error.code === 'unknown_coach') return answer(res, 404, { error: error.message });
        if (error.code === 'storage_unavailable') return answer(res, 503, { error: 'storage busy: try again' });
        return answer(res, 422, { error: error.message });
      }
    },
    { body: { limit: 16 * 1024, types: ['application/json'] } },
  );
}
