/**
 * Paces one platform's sends to what the platform accepts, learning its limit from 429 + Retry-After.
 *
 * A 429 costs the whole platform its Retry-After (often a full second), so it pays to stay just under the
 * limit rather than bounce off it. Start moderately and double every 50 ms until the first 429 (the sooner the window's
 * allowance is reached, the less of the next window the Retry-After costs); the sends the platform accepted in the
 * second before it are its limit. Then pace at that limit less a safety margin, and
 * learn the margin from further 429s: one at the settled pace means timing jitter bunched a few sends into one of
 * the platform's windows, so the margin widens (2% to start, at most 10%); a quiet minute narrows it again.
 * Every 30 s without a 429 the pace probes 1% upward, in case the limit rose; a probe that only found the same limit
 * again (a 429, and a Retry-After paid) doubles the time to the next probe, up to 10 minutes.
 * Sends are spaced evenly (no bursts), which keeps a fixed-window limiter from seeing more than the pace, and after
 * a pause the pace restarts at the end of the pause rather than catching up.
 */
export interface RateLimiterOptions {
  /** Sends a second to start with. */
  initialRate?: number;
  maxRate?: number;
  minRate?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /**
   * What an earlier run learnt (the platform's accepted sends a second and the margin): the pace starts there,
   * without the ramp, and the next 429 corrects it if the platform's limit changed.
   */
  learnt?: { limit: number; margin: number };
  /** Told whenever the learnt limit or margin changes, to keep it for the next run. */
  onLearnt?: (learnt: { limit: number; margin: number }) => void;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Until the first 429: how often the pace doubles. */
const RAMP_STEP_MS = 50;
const PROBE_EVERY_MS = 30_000;
const PROBE_EVERY_MAX_MS = 10 * 60_000;
const MIN_MARGIN = 0.02;
const MAX_MARGIN = 0.1;
const MARGIN_STEP = 0.02;
/** A 429-free stretch this long narrows the margin by one step. */
const MARGIN_RELAX_MS = 60_000;

export class AdaptiveRateLimiter {
  private rateValue: number;
  private readonly maxRate: number;
  private readonly minRate: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private nextSlot = 0;
  private pausedUntil = 0;
  /** The platform's limit in sends a second, as learned from the last 429; undefined before the first. */
  private limit: number | undefined;
  private marginValue = MIN_MARGIN;
  /** How long without a 429 before the pace probes upward (doubles while probes find nothing new). */
  private probeEveryMs = PROBE_EVERY_MS;
  /** When the pace last changed (ramp step, probe, 429). */
  private lastChange: number;
  /** When the margin last widened or narrowed. */
  private lastMarginChange = Number.NEGATIVE_INFINITY;
  /** Times of recent successful sends, for the accepted rate. */
  private readonly recent: number[] = [];
  /**
   * When the platform's counting window plausibly began afresh: at the end of a pause, or at the first send after a
   * quiet second. Sends counted from there up to a 429 are exactly the window's allowance.
   */
  private freshWindowAt = Number.NEGATIVE_INFINITY;
  private readonly onLearnt?: (learnt: { limit: number; margin: number }) => void;

  constructor(options: RateLimiterOptions = {}) {
    this.rateValue = options.initialRate ?? 50;
    this.maxRate = options.maxRate ?? 2000;
    this.minRate = options.minRate ?? 0.2;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? realSleep;
    this.lastChange = this.now();
    this.onLearnt = options.onLearnt;
    const learnt = options.learnt;
    if (learnt && Number.isFinite(learnt.limit) && learnt.limit > 0) {
      this.limit = learnt.limit;
      this.marginValue = Math.min(MAX_MARGIN, Math.max(MIN_MARGIN, learnt.margin));
      // The margin narrows after a quiet minute of this run, not at once.
      this.lastMarginChange = this.lastChange;
      this.setRate(this.limit * (1 - this.marginValue), this.lastChange);
    }
  }

  get rate(): number {
    return this.rateValue;
  }

  /** The share of the learned limit left unused against jitter (2% to 10%). */
  get margin(): number {
    return this.marginValue;
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

  /**
   * Like `acquire`, but only when the slot is at most `maxWaitMs` away: false (nothing reserved) when the platform
   * asked everyone to wait longer, or the pace has slots booked further out. A caller holding something (a claimed
   * row) then lets it go until `waitMs()` rather than sit on it.
   */
  async tryAcquire(maxWaitMs: number, cancelled: () => boolean = () => false): Promise<boolean> {
    if (this.waitMs() > maxWaitMs) return false;
    await this.acquire(cancelled);
    return true;
  }

  /** How long until the next slot would start (a pause included). */
  waitMs(): number {
    const t = this.now();
    return Math.max(0, this.pausedUntil - t, this.nextSlot - t);
  }

  onSuccess(): void {
    const t = this.now();
    const previous = this.recent.at(-1) ?? Number.NEGATIVE_INFINITY;
    if (t - previous >= 1000 && t >= this.pausedUntil) this.freshWindowAt = Math.max(this.freshWindowAt, t);
    this.recent.push(t);
    this.forgetUpTo(t - 1000);
    if (this.limit === undefined) {
      if (t - this.lastChange >= RAMP_STEP_MS) this.setRate(this.rateValue * 2, t);
      return;
    }
    if (this.marginValue > MIN_MARGIN && t - this.lastMarginChange >= MARGIN_RELAX_MS) {
      this.marginValue = Math.max(MIN_MARGIN, this.marginValue - MARGIN_STEP);
      this.lastMarginChange = t;
      this.setRate(Math.max(this.rateValue, this.limit * (1 - this.marginValue)), t);
      this.onLearnt?.({ limit: this.limit, margin: this.marginValue });
    } else if (t - this.lastChange >= this.probeEveryMs) {
      this.setRate(this.rateValue * 1.01, t);
    }
  }

  /** The platform answered 429: everyone waits `retryAfterMs`, and the pace drops under what was accepted. */
  onRateLimited(retryAfterMs: number): void {
    const t = this.now();
    // Requests already in flight when the pause began answer 429 too: one episode, one decrease.
    if (t < this.pausedUntil) {
      this.pausedUntil = Math.max(this.pausedUntil, t + retryAfterMs);
      return;
    }
    this.freshWindowAt = Math.max(this.freshWindowAt, this.pausedUntil);
    this.pausedUntil = t + retryAfterMs;
    // Slots handed out before the 429 are void: the pace restarts at the end of the pause, without a burst.
    this.nextSlot = this.pausedUntil;
    this.forgetUpTo(t - 1000);
    // Accepted per second: since the platform's window began afresh when that was within the last second (then
    // what it took before the 429 is exactly its allowance), else over the last second (an overestimate when the
    // platform's window began later: the next 429, counted from a fresh window, corrects it).
    const since = Math.max(this.freshWindowAt, t - 1000);
    const accepted = this.recent.filter((at) => at >= since).length;
    // A 429 at the settled pace although the platform took what it took before: jitter bunched a few sends into
    // one of its windows; keep further from the limit. Not when it took less (the limit was overestimated, by the
    // ramp or a count over a sliding second: the new count corrects it), nor after a probe above the settled pace.
    if (this.limit !== undefined) {
      const probing = this.rateValue > this.limit * (1 - this.marginValue) + 1e-9;
      if (!probing && accepted >= this.limit * (1 - this.marginValue)) {
        this.marginValue = Math.min(MAX_MARGIN, this.marginValue + MARGIN_STEP);
        this.lastMarginChange = t;
      }
      // The probe found no more room than before: probe less often (each costs a Retry-After).
      if (probing) {
        this.probeEveryMs =
          accepted > this.limit ? PROBE_EVERY_MS : Math.min(PROBE_EVERY_MAX_MS, this.probeEveryMs * 2);
      }
    }
    // Not compounded with the current pace: a stray 429 at a steady pace must not ratchet the pace down.
    this.limit = accepted >= 1 ? accepted : this.rateValue / 2;
    this.setRate(this.limit * (1 - this.marginValue), t);
    this.onLearnt?.({ limit: this.limit, margin: this.marginValue });
  }

  private forgetUpTo(t: number): void {
    let drop = 0;
    while (drop < this.recent.length && this.recent[drop] <= t) drop++;
    if (drop) this.recent.splice(0, drop);
  }

  private setRate(rate: number, t: number): void {
    this.rateValue = Math.min(this.maxRate, Math.max(this.minRate, rate));
    this.lastChange = t;
  }
}
