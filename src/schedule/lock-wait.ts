import { isDatabaseLocked } from '../store/errors';

export { isDatabaseLocked };

/** Waits between tries of a locked write, from the first to the last (ms), then stays at the last. */
export const LOCK_RETRY_DELAYS_MS = [5, 10, 20, 40, 80, 160, 250] as const;

/**
 * Longest a scheduler write waits for another process's lock (real time). Shorter than the delivery lease
 * (DEFAULT_LEASE_MS), so a row whose mark never got through is released and checked before it is sent again.
 */
export const SCHEDULER_LOCK_WAIT_MS = 60_000;

export const lockDelay = (round: number): number =>
  LOCK_RETRY_DELAYS_MS[Math.min(round, LOCK_RETRY_DELAYS_MS.length - 1)];

/**
 * Runs a synchronous write; while another process holds the lock, waits asynchronously (the event loop keeps
 * serving) and tries again, up to `maxWaitMs`; then, or on any other error, throws what the write threw.
 */
export async function whenUnlocked<T>(write: () => T, maxWaitMs = SCHEDULER_LOCK_WAIT_MS): Promise<T> {
  const started = performance.now();
  for (let round = 0; ; round++) {
    try {
      return write();
    } catch (error) {
      if (!isDatabaseLocked(error) || performance.now() - started >= maxWaitMs) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, lockDelay(round)));
  }
}
