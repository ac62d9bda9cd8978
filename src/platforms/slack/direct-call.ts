import { z } from 'zod';
import { DeliveryError } from '../../core/errors';

/** Slack's Web API, when SLACK_API_URL does not say otherwise (as the Web API client defaults). */
export const SLACK_API_URL = 'https://slack.com/api/';

const answerSchema = z.looseObject({ ok: z.boolean(), error: z.string().optional() });

/** What an answer with ok: false means for the send: the error code's kind (see messenger.ts). */
export type ErrorKind = (code: string) => 'unreachable' | 'refused' | 'transient';

/**
 * One Web API method called with a JSON body and the bot token as a bearer header, straight through `fetchFn`
 * (timed-fetch.ts), for the two calls every DM makes (conversations.open, chat.postMessage). The Web API client
 * costs most of a fan-out's CPU and allocation per message beside SQLite: it form-encodes every argument, builds
 * redacted debug strings even when debug logging is off, and queues each call. Nothing is retried here, as with
 * the client set up in messenger.ts (retries are the outbox's): a 429 is a rate_limited DeliveryError carrying the
 * Retry-After, an answer with ok: false is classified by its error code, and anything else (a reset, a timeout, a
 * 5xx, an unreadable answer) is transient, so the outbox asks the platform before sending again.
 */
export async function callSlack(
  fetchFn: typeof fetch,
  call: { apiUrl?: string; method: string; token: string; body: Record<string, unknown> },
  kindOf: ErrorKind,
): Promise<Record<string, unknown>> {
  const base = call.apiUrl ?? SLACK_API_URL;
  let response: Response;
  try {
    response = await fetchFn(`${base.endsWith('/') ? base : `${base}/`}${call.method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=utf-8', Authorization: `Bearer ${call.token}` },
      body: JSON.stringify(call.body),
    });
  } catch (error) {
    throw new DeliveryError('transient', `Slack request failed: ${(error as Error).message ?? String(error)}`);
  }
  if (response.status === 429) {
    const seconds = Number(response.headers.get('retry-after'));
    throw new DeliveryError(
      'rate_limited',
      'Slack rate limit',
      (Number.isFinite(seconds) && seconds > 0 ? seconds : 1) * 1000,
    );
  }
  if (response.status !== 200) throw new DeliveryError('transient', `Slack request failed: HTTP ${response.status}`);
  let parsed: z.infer<typeof answerSchema>;
  try {
    parsed = answerSchema.parse(await response.json());
  } catch {
    throw new DeliveryError('transient', 'Slack request failed: an answer that is not Slack JSON');
  }
  if (parsed.ok) return parsed;
  const code = parsed.error ?? 'unknown';
  if (code === 'ratelimited') throw new DeliveryError('rate_limited', 'Slack rate limit', 1000);
  throw new DeliveryError(kindOf(code), `Slack error: ${code}`);
}
