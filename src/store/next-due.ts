import type { Settings } from '../core/model';
import { nextOccurrenceAfter } from '../core/schedule';

/** The stored form of a coach's next due instant: an ISO string (sorts as time), or null for none. */
export function nextDueUtc(settings: Settings, now: Date): string | null {
  return nextOccurrenceAfter(settings, now)?.dueUtc.toISOString() ?? null;
}
