import type { Message } from '../core/message';
import type { Coach } from '../core/model';
import type { PromptIssueRepository, WriteBatcher } from '../core/ports';
import { promptById } from '../core/prompts';
import { isPromptDay } from '../core/schedule';
import type { Trellis } from '../core/trellis';
import type { Delivery } from '../store/deliveries';

export interface ProduceContext {
  delivery: Delivery;
  /** The coach, for a delivery to a coach's DM. */
  coach?: Coach;
  now: Date;
}

/**
 * Builds the message for one delivery at send time (not at enqueue time, so it reflects the latest state).
 * Returns undefined when there is nothing to send any more (the coach paused, already answered, ...):
 * the delivery is then marked skipped.
 */
export type Producer = (ctx: ProduceContext) => Message | undefined | Promise<Message | undefined>;

/**
 * Producers keyed by delivery kind: the extension point for weekly summaries ('weekly') and channel digests
 * ('digest'). Another module registers its producer here; the outbox, retries and rate limits come for free.
 */
export class ProducerRegistry {
  private readonly producers = new Map<string, Producer>();

  register(kind: string, producer: Producer): this {
    if (!/^[a-z][a-z0-9_-]{0,31}$/.test(kind)) throw new Error(`invalid delivery kind "${kind}"`);
    this.producers.set(kind, producer);
    return this;
  }

  get(kind: string): Producer | undefined {
    return this.producers.get(kind);
  }

  has(kind: string): boolean {
    return this.producers.has(kind);
  }
}

/** How long a snoozed prompt waits before it comes back, once, the same local day. */
export const SNOOZE_MS = 2 * 60 * 60_000;

/** The daily prompt and its snoozed return, from the core. */
export function registerPromptProducers(
  registry: ProducerRegistry,
  deps: { trellis: Trellis; promptIssues: PromptIssueRepository; commits?: WriteBatcher },
): ProducerRegistry {
  const { commits } = deps;
  registry.register('prompt', ({ delivery, coach }) => {
    if (!coach) return undefined;
    // The coach may have paused or changed days since the row was written.
    if (!isPromptDay(coach.settings, delivery.localDate)) return undefined;
    const issue = () => {
      // A coach who asked for today's prompt and already answered or skipped it does not get it again.
      const existing = deps.promptIssues.forDate(coach.id, delivery.localDate);
      if (existing && (existing.status === 'answered' || existing.status === 'skipped')) return undefined;
      return deps.trellis.issuePrompt(coach, delivery.localDate).reply;
    };
    // Through the group commit where there is one: the prompt issues of the sends under way share one COMMIT with
    // their claims and marks (SenderDeps.commits). Resolved once committed, so it is stored before the post.
    return commits ? commits.run(issue) : issue();
  });
  registry.register('snooze', ({ delivery, coach }) => {
    if (!coach) return undefined;
    const issue = deps.promptIssues.forDate(coach.id, delivery.localDate);
    if (issue?.status !== 'snoozed') return undefined;
    const prompt = promptById(deps.trellis.catalog, issue.promptId);
    if (!prompt) return undefined;
    return { ...deps.trellis.promptMessage(issue, prompt), title: 'Your snoozed reflection' };
  });
  return registry;
}
