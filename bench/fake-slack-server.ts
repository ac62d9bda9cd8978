/**
 * The fake Slack Web API in its own process (so it never shares an event loop with the sender it measures).
 * Prints its URL as the first stdout line; answers an IPC "report" message with what it received.
 * Argument: --rate N: chat.postMessage calls accepted per one-second window; beyond that, 429 + Retry-After
 * (the seconds left in the window, rounded up), as Slack does. 0 = unlimited.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { FakeSlackApi } from '../test/helpers/fake-slack-api';

const { rate } = z
  .object({ rate: z.coerce.number().int().min(0).default(0) })
  .parse(parseArgs({ options: { rate: { type: 'string' } } }).values);

export interface FakeReport {
  posts: number;
  channels: number;
  /** Distinct delivery keys (from each post's metadata): posts - keys are duplicates. */
  keys: number;
  /** How many channels got 1 post, 2 posts, ... */
  perChannel: Record<string, number>;
  rateLimited: number;
}

/** The delivery key Trellis puts in a post's metadata (sent form-encoded, as a JSON string). */
function deliveryKeyOf(metadata: unknown): string {
  try {
    const parsed = typeof metadata === 'string' ? JSON.parse(metadata) : metadata;
    return String((parsed as { event_payload?: { key?: unknown } })?.event_payload?.key);
  } catch {
    return 'unparsable';
  }
}

async function main(): Promise<void> {
  const fake = await new FakeSlackApi().start();
  let rateLimited = 0;
  let windowStart = 0;
  let windowCount = 0;
  fake.respond((call) => {
    // Only counts are needed: keep memory flat over 10,000 posts.
    if (fake.calls.length > 1000) fake.clear();
    if (!rate || call.method !== 'chat.postMessage') return undefined;
    const now = Date.now();
    if (now - windowStart >= 1000) {
      windowStart = now;
      windowCount = 0;
    }
    if (windowCount < rate) {
      windowCount++;
      return undefined;
    }
    rateLimited++;
    const wait = Math.max(1, Math.ceil((1000 - (now - windowStart)) / 1000));
    return { status: 429, headers: { 'retry-after': String(wait) }, json: { ok: false, error: 'ratelimited' } };
  });
  process.stdout.write(`${fake.url}\n`);
  process.on('message', (message: unknown) => {
    if (message !== 'report') return;
    const perChannel: Record<string, number> = {};
    const keys = new Set<string>();
    let posts = 0;
    for (const list of fake.posted.values()) {
      posts += list.length;
      perChannel[list.length] = (perChannel[list.length] ?? 0) + 1;
      for (const post of list) keys.add(deliveryKeyOf(post.metadata));
    }
    process.send?.({
      posts,
      channels: fake.posted.size,
      keys: keys.size,
      perChannel,
      rateLimited,
    } satisfies FakeReport);
  });
  process.on('disconnect', () => {
    void fake.stop().then(() => process.exit(0));
  });
}

void main();
