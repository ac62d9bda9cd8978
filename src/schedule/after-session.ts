import type { Trellis } from '../core/trellis';
import { AFTER_SESSION_KIND, eventIdOfSlot } from '../http/session-hook';
import type { ProducerRegistry } from './producers';

/** The after-session DM (POST /hooks/session-ended): built at send time, skipped if the coach turned it off. */
export function registerJourneyProducers(registry: ProducerRegistry, deps: { trellis: Trellis }): ProducerRegistry {
  registry.register(AFTER_SESSION_KIND, ({ delivery, coach }) => {
    const eventId = eventIdOfSlot(delivery.localDate);
    if (!coach || eventId === undefined) return undefined;
    return deps.trellis.journey.afterSessionMessage(coach, eventId);
  });
  return registry;
}
