/**
 * Paces one platform's sends to what the platform accepts, learning its limit from 429 + Retry-After.
 *
 * A 429 costs the whole platform its Retry-After (often a full second), so it pays to stay just under the
 * limit rather than bounce off it: start moderately, double every quarter second until the first 429, then settle
 * at 95% of the rate the platform actually accepted in the last second, and probe upward only slowly (+1% every
 * 30 s without a 429) in case the limit rises.
 * Sends are spaced evenly (no bursts), which keeps a fixed-window limiter from ever seeing more than the rate.
 */
export interface RateLimiterOptions {
  /** Sends a second to start with. */
  initialRate?: number;
  maxRate?: number;
  minRate?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class AdaptiveRateLimiter {
  private rateValue: number;
  private readonly maxRate: number;
  private readonly minRate: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private nextSlot = 0;
  private pausedUntil = 0;
  /** True after the first 429: the limit is known, probe slowly. */
  private learned = false;
  private lastChange: number;
  /** Times of recent successful sends, for the accepted rate. */
  private readonly recent: number[] = [];

  constructor(options: RateLimiterOptions = {}) {
    this.rateValue = options.initialRate ?? 20;
    this.maxRate = options.maxRate ?? 2000;
    this.minRate = options.minRate ?? 0.2;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? realSleep;
    this.lastChange = this.now();
  }

  get rate(): number {
    return this.rateValue;
  }

  /** Until when the platform asked everyone to wait (ms since epoch). */
  get pauseEnds(): number {
    return this.pausedUntil;
  }

  /** Resolves when one more send may start, or as soon as `cancelled()` says the caller is stopping. */
  async acquire(cancelled: () => boolean = () => false): Promise<void> {
    for (;;) {
      if (cancelled()) return;
      const t = this.now();
      if (this.pausedUntil > t) {
        await this.sleep(this.pausedUntil - t);
        continue;
      }
      const slot = Math.max(this.nextSlot, t);
      this.nextSlot = slot + 1000 / this.rateValue;
      if (slot > t) await this.sleep(slot - t);
      if (this.pausedUntil <= this.now()) return;
    }
  }

  onSuccess(): void {
    const t = this.now();
    this.recent.push(t);
    while (this.recent.length && this.recent[0] <= t - 1000) this.recent.shift();
    const sinceChange = t - this.lastChange;
    if (!this.learned && sinceChange >= 250) this.setRate(this.rateValue * 2, t);
    else if (this.learned && sinceChange >= 30_000) this.setRate(this.rateValue * 1.01, t);
  }

  /** The platform answered 429: everyone waits `retryAfterMs`, and the rate drops to what was accepted. */
  onRateLimited(retryAfterMs: number): void {
    const t = this.now();
    this.learned = true;
    // Requests already in flight when the pause began answer 429 too: one episode, one decrease.
    if (t < this.pausedUntil) {
      this.pausedUntil = Math.max(this.pausedUntil, t + retryAfterMs);
      return;
    }
    const lastPauseEnd = this.pausedUntil;
    this.pausedUntil = t + retryAfterMs;
    while (this.recent.length && this.recent[0] <= t - 1000) this.recent.shift();
    // Accepted per second: over the last second, or, when a pause ended within it, since that pause (a limit
    // counted per window starts a fresh window then, and what it took before the 429 is its whole allowance).
    const since = t - lastPauseEnd < 1000 ? lastPauseEnd : t - 1000;
    const accepted = this.recent.filter((at) => at >= since).length;
    // Not compounded with the current rate: a stray 429 at a steady pace must not ratchet the pace down.
    const basis = accepted >= 1 ? accepted : this.rateValue / 2;
    this.setRate(basis * 0.95, t);
  }

  private setRate(rate: number, t: number): void {
    this.rateValue = Math.min(this.maxRate, Math.max(this.minRate, rate));
    this.lastChange = t;
  }
}
