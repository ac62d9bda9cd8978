import type { Trellis } from '../core/trellis';
import { eventOfSlot, MENTOR_NOTICE_KIND } from '../store/mentors';
import type { ProducerRegistry } from './producers';

/**
 * The mentor DMs (src/core/mentors.ts): an invitation, its answer, the end, a shared session to rate, a rating
 * received. Queued in the outbox with the change they tell of; built at send time, skipped when no longer true.
 */
export function registerMentorProducers(registry: ProducerRegistry, deps: { trellis: Trellis }): ProducerRegistry {
  registry.register(MENTOR_NOTICE_KIND, ({ delivery, coach }) => {
    const event = eventOfSlot(delivery.localDate);
    if (!coach || event === undefined) return undefined;
    return deps.trellis.mentors.notice(coach, event);
  });
  return registry;
}
