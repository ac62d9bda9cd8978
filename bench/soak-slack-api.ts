/**
 * The fake Slack Web API for bench/soak, in its own process (it must not share an event loop with the server or the
 * load). Prints its URL as the first stdout line. It records which coaches Trellis told "saved" after the ack:
 * the response_url answers to first-contact quick commands (by trigger id) and the DMs acknowledging a prompt reply
 * or a modal (by the delivery key in the message metadata). On the IPC message "report" it sends those keys; to
 * {id, delivered: key} it answers {id, delivered: boolean}, whether a DM with that delivery key has been posted (the
 * load waits for a coach's prompt to arrive before replying to it, as a coach does).
 */
import { FakeSlackApi } from '../test/helpers/fake-slack-api';

// "Thanks, your self-check is saved", or "Your self-check is saved" after a line on low ratings (mentor-response.ts).
const SAVED = /your self-check is saved|Saved to your journal/i;

export interface SoakSlackReport {
  /** Trigger ids whose response_url was told "saved". */
  savedTriggers: string[];
  /** Delivery keys (message metadata) of DMs that said "saved". */
  savedDeliveries: string[];
  posts: number;
  calls: number;
}

async function main(): Promise<void> {
  const fake = await new FakeSlackApi({ teamId: 'T0SOAK' }).start();
  const savedTriggers: string[] = [];
  const savedDeliveries: string[] = [];
  /** Delivery keys of prompts posted (answers to a DM "prompt"), until the load has asked for them. */
  const prompts = new Set<string>();
  let posts = 0;
  let calls = 0;
  fake.respond((call) => {
    calls++;
    const text = typeof call.body.text === 'string' ? call.body.text : '';
    if (call.method.startsWith('response/') && SAVED.test(text)) savedTriggers.push(call.method.slice(9));
    if (call.method === 'chat.postMessage') {
      posts++;
      const metadata = call.body.metadata as { event_payload?: { key?: unknown } } | undefined;
      const key = metadata?.event_payload?.key;
      if (SAVED.test(text) && typeof key === 'string') savedDeliveries.push(key);
      if (typeof key === 'string' && key.endsWith('.prompt:0')) prompts.add(key);
    }
    // Keep memory flat over a long run: what matters is recorded above.
    if (fake.calls.length > 1000) fake.clear();
    if (fake.posted.size > 1000) fake.posted.clear();
    return undefined;
  });
  process.stdout.write(`${fake.url}\n`);
  process.on('message', (message: unknown) => {
    if (message === 'report') {
      process.send?.({ savedTriggers, savedDeliveries, posts, calls } satisfies SoakSlackReport);
      return;
    }
    const ask = message as { id?: number; delivered?: string };
    if (typeof ask.id === 'number' && typeof ask.delivered === 'string') {
      const delivered = prompts.delete(ask.delivered);
      process.send?.({ id: ask.id, delivered });
    }
  });
  process.on('disconnect', () => {
    void fake.stop().then(() => process.exit(0));
  });
}

void main();
