import type { Messenger } from '../core/ports';
import type { Delivery } from '../store/deliveries';
import type { SenderDeps, SenderOptions } from './delivery';
import type { AdaptiveRateLimiter } from './rate-limiter';

/** How one claimed delivery ended this time; 'lost' when its claim was taken over meanwhile (nothing to count). */
export type Outcome =
  | 'sent'
  | 'alreadyDelivered'
  | 'inDoubt'
  | 'skipped'
  | 'retried'
  | 'failed'
  | 'expired'
  | 'unreachable'
  | 'lost';

/**
 * Kinds that are not sent again when a crash or timeout left their send in doubt and the platform cannot tell
 * (Teams): a digest posted twice in a group's channel is noise in front of everyone and splits the discussion in
 * two threads. Every other kind goes to one coach's DM and is sent again: a duplicate prompt costs a coach a second
 * glance, a lost one costs them the day's reflection. See the README on reconciliation.
 */
export const AT_MOST_ONCE_WHEN_IN_DOUBT: ReadonlySet<string> = new Set(['digest']);

export interface AttemptContext {
  messenger: Messenger;
  deps: SenderDeps;
  options: SenderOptions;
  /** Paces sends. */
  limiter: AdaptiveRateLimiter;
  /** Paces lookups (the platform limits them apart). */
  lookups: AdaptiveRateLimiter;
  /** The sender is stopping: a row waiting for a lookup slot goes back to the outbox. */
  cancelled: () => boolean;
}

/**
 * When a failed try is tried again: capped exponential backoff with jitter, never past `deadline` (the end of the
 * catch-up window: the row expires then); at least `settleMs` on when the failed call may have landed (`settle`).
 */
export function backoffAt(ctx: AttemptContext, delivery: Delivery, deadline: number, settle: boolean): string {
  const { options, deps } = ctx;
  const random = deps.random ?? Math.random;
  const now = deps.clock.now().getTime();
  const exponent = Math.min(30, Math.max(0, delivery.attempts - 1));
  const backoff = Math.round(Math.min(options.backoffMaxMs, options.backoffBaseMs * 2 ** exponent) * (0.5 + random()));
  const at = Math.max(now + backoff, settle ? now + options.settleMs : 0);
  return new Date(Math.max(now, Math.min(deadline, at))).toISOString();
}
