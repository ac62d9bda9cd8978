import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { DeliveryError } from '../../core/errors';

/** The parts of a conversations.history message that reconciliation reads; anything else is ignored. */
const historyMessage = z.looseObject({
  ts: z.string().optional(),
  metadata: z.looseObject({ event_payload: z.looseObject({ key: z.unknown().optional() }).optional() }).optional(),
  files: z.array(z.looseObject({ name: z.string().optional() })).optional(),
});
export type HistoryMessage = z.infer<typeof historyMessage>;

/** 200 a page (Slack's recommended most), at most 5 pages: the window since a delivery was due is small. */
const PAGE_SIZE = 200;
const MAX_PAGES = 5;

/** A Slack timestamp ("1700000000.000000") for an instant. */
export function slackTs(at: Date): string {
  return (at.getTime() / 1000).toFixed(6);
}

/**
 * Whether a message after `oldest` (a Slack ts, exclusive) in the conversation matches. A failed or rate-limited
 * call throws (through `toError`): the caller must not take it for "not there". So does a window too long to read
 * whole within MAX_PAGES, for the same reason.
 */
export async function historyHas(
  client: WebClient,
  channel: string,
  oldest: string,
  match: (m: HistoryMessage) => boolean,
  toError: (error: unknown) => DeliveryError,
): Promise<boolean> {
  return (await historyFind(client, channel, oldest, match, toError)) !== undefined;
}

/** The first message after `oldest` that matches (newest first, as Slack lists them), or undefined; as historyHas. */
export async function historyFind(
  client: WebClient,
  channel: string,
  oldest: string,
  match: (m: HistoryMessage) => boolean,
  toError: (error: unknown) => DeliveryError,
): Promise<HistoryMessage | undefined> {
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    let answer: Awaited<ReturnType<WebClient['conversations']['history']>>;
    try {
      answer = await client.conversations.history({
        channel,
        oldest,
        limit: PAGE_SIZE,
        include_all_metadata: true,
        ...(cursor ? { cursor } : {}),
      });
    } catch (error) {
      throw toError(error);
    }
    for (const raw of answer.messages ?? []) {
      const parsed = historyMessage.safeParse(raw);
      if (parsed.success && match(parsed.data)) return parsed.data;
    }
    cursor = answer.response_metadata?.next_cursor || undefined;
    if (!answer.has_more || !cursor) return undefined;
  }
  throw new DeliveryError('transient', 'Slack history since the delivery is too long to read whole');
}

/** A message Trellis tagged with this delivery key (chat.postMessage metadata). */
export const carriesKey = (deliveryKey: string) => (m: HistoryMessage) =>
  m.metadata?.event_payload?.key === deliveryKey;

/** A file share carrying a file of this name. */
export const sharesFile = (filename: string) => (m: HistoryMessage) => (m.files ?? []).some((f) => f.name === filename);
