import type { FakeResponse, FakeSlackApi, RecordedCall } from './fake-slack-api';

/** Fault injection for the fake Slack Web API, as a reliability test needs it: outages, late posts, history limits. */

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * An outage of `methods` (default: every method) until `end()`: calls alternate between a 503 and a connection
 * reset, so both kinds of transient failure are seen. Nothing is posted meanwhile.
 */
export function outage(fake: FakeSlackApi, o: { methods?: string[] } = {}): { end(): void; refused(): number } {
  let on = true;
  let count = 0;
  fake.respond((call) => {
    if (!on || (o.methods && !o.methods.includes(call.method))) return undefined;
    count++;
    return count % 2 ? { status: 503, json: { ok: false } } : { reset: true };
  });
  return {
    end: () => {
      on = false;
    },
    refused: () => count,
  };
}

/**
 * Holds every `method` call (default chat.postMessage) for `ms`, then lets it take effect as Slack would, whether
 * or not the caller is still waiting: a post Slack completes after the client gave up on it.
 */
export function holdThenLand(fake: FakeSlackApi, ms: number, method = 'chat.postMessage'): { held(): number } {
  let held = 0;
  fake.respond(async (call) => {
    if (call.method !== method) return undefined;
    held++;
    await pause(ms);
    return undefined;
  });
  return { held: () => held };
}

/**
 * Slack degraded under the test's control: every chat.postMessage is held, unanswered, until `release()`, and
 * conversations.history answers 503 meanwhile (it cannot say whether a post is there). On `release()` every held
 * post takes effect, whether or not its caller is still waiting (a client that timed out, a process killed), and
 * history reads again. Nothing depends on how fast the machine is: a held post lands when the test says so.
 */
export function holdUntilReleased(fake: FakeSlackApi): {
  held(): number;
  landed(): number;
  historyRefused(): number;
  release(): void;
} {
  let held = 0;
  let landed = 0;
  let historyRefused = 0;
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let open = false;
  fake.respond(async (call) => {
    if (open) return undefined;
    if (call.method === 'conversations.history') {
      historyRefused++;
      return { status: 503, json: { ok: false } };
    }
    if (call.method !== 'chat.postMessage') return undefined;
    held++;
    await released;
    landed++;
    return undefined;
  });
  return {
    held: () => held,
    landed: () => landed,
    historyRefused: () => historyRefused,
    release: () => {
      open = true;
      release();
    },
  };
}

/**
 * conversations.history limited as Slack limits its tiers: at most `perWindow` calls a window of `windowMs`, then
 * 429 with a Retry-After (whole seconds, at least 1) until the window ends.
 */
export function limitHistory(
  fake: FakeSlackApi,
  o: { perWindow: number; windowMs: number },
): { limited(): RecordedCall[] } {
  let windowStart = 0;
  let count = 0;
  const limited: RecordedCall[] = [];
  fake.respond((call): FakeResponse | undefined => {
    if (call.method !== 'conversations.history') return undefined;
    const now = Date.now();
    if (now - windowStart >= o.windowMs) {
      windowStart = now;
      count = 0;
    }
    if (count < o.perWindow) {
      count++;
      return undefined;
    }
    limited.push(call);
    const wait = Math.max(1, Math.ceil((o.windowMs - (now - windowStart)) / 1000));
    return { status: 429, headers: { 'retry-after': String(wait) }, json: { ok: false, error: 'ratelimited' } };
  });
  return { limited: () => limited };
}
