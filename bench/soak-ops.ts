/** bench/soak's load: the mixed op stream, what a target answers, and the platform-free core route target. */
import { seededRandom } from '../src/core/random';
import type { SoakClient } from './soak-http';

/** One step of load: what a coach does, with the key that lets us find it in the database. */
export type Op =
  | { kind: 'quick'; user: string; key: string; text: string }
  | { kind: 'form'; user: string; key: string; form: unknown }
  | { kind: 'reply'; user: string; key: string; text: string };

export interface SendResult {
  ok: boolean;
  /** The platform told the coach it was saved. */
  acknowledged: boolean;
  /** Accepted; the coach hears "saved" after the ack (a DM, or the response_url), which the target checks at the end. */
  pending?: boolean;
}

/** Where the load goes. */
export interface Target {
  send(op: Op): Promise<SendResult>;
  rss(): Promise<number>;
  /** Keys of pending ops the coach was told were saved, once the server has finished its work (after it stopped). */
  confirmed?(): Promise<Set<string>>;
  /** Requests sent again after a non-200 answer (the Slack target's events, as Slack retries them). */
  retries?(): number;
}

/** The mixed load, deterministic for a seed: 45% quick commands, 30% form submissions, 25% prompt replies. */
export function makeOps(seed: number) {
  const random = seededRandom(seed);
  const rating = () => 1 + Math.floor(random() * 5);
  let n = 0;
  return (): Op => {
    n++;
    const key = `soak-${seed}-${n}`;
    const r = random();
    if (r < 0.45) {
      const user = `coach-${Math.floor(random() * 500)}`;
      const ratings: string[] = Array.from({ length: 6 }, () => (random() < 0.1 ? '-' : String(rating())));
      if (!ratings.some((x) => x !== '-')) ratings[0] = '3';
      return { kind: 'quick', user, key, text: `/selfcheck ${ratings.join(' ')} -- note ${key} with a client moment` };
    }
    if (r < 0.75) {
      const user = `coach-${Math.floor(random() * 500)}`;
      return {
        kind: 'form',
        user,
        key,
        form: {
          ratings: { context: String(rating()), respect: rating(), empathy: String(rating()) },
          note: `form ${key}`,
        },
      };
    }
    // A fresh coach per reply: each has today's prompt open exactly once.
    return { kind: 'reply', user: `replier-${n}`, key, text: `reflection ${key}: I noticed the pause and waited.` };
  };
}

/** Saved, as the core route answers it. */
// "Thanks, your self-check is saved", or "Your self-check is saved" after a line on low ratings (mentor-response.ts).
const SAVED = /your self-check is saved|Saved to your journal/i;

export function coreRouteTarget(client: SoakClient, port: number): Target {
  const post = async (body: unknown) => {
    try {
      const res = await client.request(port, 'POST', '/bench/command', body);
      return { ok: res.status === 200, acknowledged: res.status === 200 && SAVED.test(res.text) };
    } catch {
      return { ok: false, acknowledged: false };
    }
  };
  return {
    async send(op) {
      if (op.kind === 'quick') return post({ user: op.user, text: op.text, requestKey: op.key });
      if (op.kind === 'form') return post({ user: op.user, form: op.form, requestKey: op.key });
      const prompt = await post({ user: op.user, text: 'prompt' });
      if (!prompt.ok) return prompt;
      return post({ user: op.user, text: op.text, requestKey: op.key });
    },
    rss: () => client.rss(port),
  };
}
