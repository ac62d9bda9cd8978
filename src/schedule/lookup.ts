import { DeliveryError, isPermanent } from '../core/errors';
import type { Delivery } from '../store/deliveries';
import type { AttemptContext } from './attempt';
import { whenUnlocked } from './lock-wait';

/**
 * The "did it land?" check: after a timeout or a crash left a send in doubt, the next claim asks the platform
 * whether the earlier try is there (the text, or its chart) before it sends anything again.
 */

/**
 * A lookup reads the conversation from a little before the delivery was due, allowing for clock skew. No try is
 * ever made before the due time (a row is claimable from then on), so this is before the first attempt too.
 */
const LOOKUP_MARGIN_MS = 5 * 60_000;

/** Where a lookup of this delivery starts reading. */
export function lookupSince(delivery: Delivery): Date {
  return new Date(Date.parse(delivery.dueAt) - LOOKUP_MARGIN_MS);
}

/** What was looked up: the text (`wasDelivered`) or its chart (`wasImageDelivered`). */
export type LookupOf = 'text' | 'chart';

/**
 * What asking the platform gave: found or not (`undefined` when the platform cannot tell); no lookup slot, so the
 * row waits `waitMs` (the pace, or a 429's Retry-After); or the lookup failed and may be asked again.
 */
export type LookupResult = { found: boolean | undefined } | { waitMs: number } | { failure: DeliveryError };

export const asDeliveryError = (error: unknown) =>
  error instanceof DeliveryError ? error : new DeliveryError('transient', (error as Error)?.message ?? 'error');

/**
 * Asks the platform whether an earlier try landed, paced by the lookup limiter. A failed or rate-limited lookup is
 * never taken for "not there"; a lookup refused for good (no history scope) is as good as "cannot tell".
 */
export async function lookUp(
  ctx: AttemptContext,
  question: (() => Promise<boolean | undefined>) | undefined,
  fields: Record<string, unknown>,
): Promise<LookupResult> {
  if (!question) return { found: undefined };
  const { lookups, options, deps, cancelled } = ctx;
  if (!(await lookups.tryAcquire(options.lookupHoldMs, cancelled)) || cancelled()) return { waitMs: lookups.waitMs() };
  try {
    const found = await question();
    lookups.onSuccess();
    return { found };
  } catch (error) {
    const failure = asDeliveryError(error);
    if (isPermanent(failure.kind)) {
      deps.log.warn('history lookup refused by the platform', { ...fields, reason: failure.message });
      return { found: undefined };
    }
    if (failure.kind === 'rate_limited') {
      const wait = failure.retryAfterMs ?? 1000;
      lookups.onRateLimited(wait);
      return { waitMs: wait };
    }
    return { failure };
  }
}

/**
 * No lookup slot now: the row goes back to the outbox until there is one, not counted as a try; still in doubt when
 * it was the text that was to be looked up.
 */
export async function waitForLookup(
  ctx: AttemptContext,
  delivery: Delivery,
  token: string,
  waitMs: number,
  what: LookupOf,
): Promise<void> {
  const nextAttemptAt = new Date(ctx.deps.clock.now().getTime() + waitMs).toISOString();
  const error = delivery.error ?? 'waiting to ask the platform whether an earlier try landed';
  await whenUnlocked(() =>
    ctx.deps.deliveries.markRetry(delivery.id, token, {
      nextAttemptAt,
      error,
      countAttempt: false,
      uncertain: what === 'text',
    }),
  );
}
