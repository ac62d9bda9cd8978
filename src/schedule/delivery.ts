import { randomUUID } from 'node:crypto';
import type { Coach, Platform } from '../core/model';
import type {
  Clock,
  CoachRepository,
  DeliveryTarget,
  Logger,
  Messenger,
  PostedItemRecorder,
  WriteBatcher,
} from '../core/ports';
import type { Delivery, DeliveryStore } from '../store/deliveries';
import type { PostedRecordWriter } from '../store/platform-messages';
import type { ScheduleStore } from '../store/schedule';
import { DeliveryAttempt, type Outcome } from './attempt';
import { isDatabaseLocked, lockDelay, SCHEDULER_LOCK_WAIT_MS } from './lock-wait';
import type { ProducerRegistry } from './producers';
import { AdaptiveRateLimiter, type RateLimiterOptions } from './rate-limiter';
import { StoppableSleep } from './stoppable-sleep';

/** A messenger that reaches only some coaches of its platform (the terminal chat: the coach at the terminal). */
export interface ScopedMessenger extends Messenger {
  reaches(coach: Coach): boolean;
}

export function reaches(m: Messenger, coach: Coach): boolean {
  const scoped = m as Partial<ScopedMessenger>;
  return typeof scoped.reaches === 'function' ? scoped.reaches(coach) : true;
}

export const coachRecipient = (coachId: number) => `coach:${coachId}`;
export const channelRecipient = (tenant: string, channelId: string) => `channel:${tenant}:${channelId}`;

type Target = { kind: 'coach'; coachId: number } | { kind: 'channel'; tenant: string; id: string };

export function parseRecipient(recipient: string): Target | undefined {
  const coach = /^coach:(\d+)$/.exec(recipient);
  if (coach) return { kind: 'coach', coachId: Number(coach[1]) };
  const channel = /^channel:([^:]+):(.+)$/.exec(recipient);
  if (channel) return { kind: 'channel', tenant: channel[1], id: channel[2] };
  return undefined;
}

export interface SenderOptions {
  /** Sends in flight at once per platform: one slow coach never holds up the others. */
  concurrency: number;
  /**
   * Backoff after a transient failure (5xx, reset, timeout): doubling from the base, capped at the max, with
   * jitter; persisted as the row's next attempt, so it holds across ticks and restarts. There is no cap on tries:
   * a transient failure is retried until the delivery's catch-up window ends (then it expires, with its reason).
   */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Longest a run waits, in all, for retries; later ones are picked up by a later tick. */
  maxWaitMs: number;
  /**
   * Longest a run keeps claiming: during an outage, rows keep becoming ready again (retries have no cap on tries),
   * and the tick's removals and retention must still get their turn. The next tick carries on.
   */
  maxRunMs: number;
  limiter: RateLimiterOptions;
  /**
   * How late a delivery may still go out (the catch-up window, from its due time): past it, a delivery is not sent
   * (stale) but marked failed with an "expired: ..." reason; a lookup that keeps failing is given up then too.
   */
  catchUpMs: number;
  /**
   * After a send that may have landed (timeout, reset, 5xx), the earliest its lookup runs: time for a post the
   * platform was still completing to show up in the conversation, so it is found rather than sent again.
   */
  settleMs: number;
  /**
   * The pace of lookups (Slack's conversations.history): its own limiter, as the platform limits history apart
   * from posts (Slack: Tier 3, about 50 a minute for an app outside the Marketplace). Learns from 429s like posts.
   */
  lookupLimiter: RateLimiterOptions;
  /** Longest a claimed row waits for a lookup slot; beyond it the row goes back to the outbox until the slot. */
  lookupHoldMs: number;
}

/** Slack's history tier for apps outside the Marketplace: about 50 calls a minute (and no faster when it allows). */
export const LOOKUP_PACE: RateLimiterOptions = { initialRate: 50 / 60, maxRate: 50 / 60 };

export const DEFAULT_SENDER_OPTIONS: SenderOptions = {
  concurrency: 16,
  backoffBaseMs: 2_000,
  backoffMaxMs: 5 * 60_000,
  maxWaitMs: 60_000,
  maxRunMs: 5 * 60_000,
  limiter: {},
  catchUpMs: 180 * 60_000,
  settleMs: 60_000,
  lookupLimiter: LOOKUP_PACE,
  lookupHoldMs: 5_000,
};

export interface SenderDeps {
  deliveries: DeliveryStore;
  schedule: ScheduleStore;
  coaches: Pick<CoachRepository, 'byId'>;
  producers: ProducerRegistry;
  clock: Clock;
  log: Logger;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /**
   * Where a posted text's removal record goes: written in the same commit as the attempt's mark when the messenger
   * hands it back (attempt.ts); without it, messengers record what they post themselves.
   */
  postedItems?: PostedRecordWriter & Pick<PostedItemRecorder, 'record'>;
  /**
   * The group commit (src/store/group-commit.ts) the claims and marks go through: the workers' writes of one turn
   * of the event loop share one COMMIT (and the pages it writes). Each still resolves only once committed, so a
   * mark is durable before the call that follows it, as before. Without it, each write commits on its own.
   */
  commits?: WriteBatcher;
}

export interface SendSummary {
  sent: number;
  alreadyDelivered: number;
  /** Past the catch-up window before they could be delivered: marked failed, "expired: ...". */
  expired: number;
  /** Settled without the platform's answer (sent again, not sent, or given up unknown): see attempt.ts. */
  inDoubt: number;
  skipped: number;
  retried: number;
  failed: number;
  unreachable: number;
}

const emptySummary = (): SendSummary => ({
  sent: 0,
  alreadyDelivered: 0,
  expired: 0,
  inDoubt: 0,
  skipped: 0,
  retried: 0,
  failed: 0,
  unreachable: 0,
});

/**
 * Sends one platform's ready deliveries: a few workers in parallel, paced by the platform's rate limiter,
 * each claiming one row at a time from the outbox right before its send.
 */
export class PlatformSender {
  readonly limiter: AdaptiveRateLimiter;
  /** Paces lookups (whether an earlier try landed), apart from sends. */
  readonly lookups: AdaptiveRateLimiter;
  private readonly options: SenderOptions;
  private running: Promise<SendSummary> | undefined;
  private stopping = false;
  private readonly sleeper: StoppableSleep;
  /** A claim found the database locked by another process: the workers stop claiming until the run has waited. */
  private locked = false;

  constructor(
    readonly messenger: Messenger,
    private readonly deps: SenderDeps,
    options: Partial<SenderOptions> = {},
  ) {
    this.options = { ...DEFAULT_SENDER_OPTIONS, ...options };
    this.sleeper = new StoppableSleep(deps.sleep);
    this.limiter = new AdaptiveRateLimiter({ sleep: (ms) => this.sleep(ms), ...this.options.limiter });
    const lookupPace = { ...LOOKUP_PACE, ...this.options.lookupLimiter };
    this.lookups = new AdaptiveRateLimiter({ sleep: (ms) => this.sleep(ms), ...lookupPace });
  }

  get platform(): Platform {
    return this.messenger.platform;
  }

  /** Sends everything ready now (and retries due within maxWaitMs). A second call while running joins the first. */
  run(): Promise<SendSummary> {
    if (!this.running) {
      this.running = this.drain().finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  /** Claims nothing new; resolves when the sends in flight have finished. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.sleeper.stop();
    await this.running;
  }

  private sleep(ms: number): Promise<void> {
    return this.sleeper.sleep(ms);
  }

  private async drain(): Promise<SendSummary> {
    const summary = emptySummary();
    // Waits for retries add up to maxWaitMs at most per run: a platform that keeps failing (retried until the
    // catch-up window ends) never holds a run, and what follows it on the tick, for longer.
    let waited = 0;
    const endsAt = this.deps.clock.now().getTime() + this.options.maxRunMs;
    /** Rounds in a row whose claims found the database locked, and when the first of them began (real time). */
    let lockedRounds = 0;
    let lockedSince = 0;
    while (!this.stopping && this.deps.clock.now().getTime() < endsAt) {
      const next = this.deps.deliveries.nextPendingAt(this.platform);
      if (!next) break;
      // Rows waiting on a Retry-After or a short backoff: wait here rather than a whole minute for the next tick.
      const wait = Date.parse(next) - this.deps.clock.now().getTime();
      if (wait > 0) {
        if (waited + wait > this.options.maxWaitMs) break;
        waited += wait;
        await this.sleep(wait);
        continue;
      }
      await Promise.all(Array.from({ length: this.options.concurrency }, () => this.worker(summary, endsAt)));
      if (!this.locked) {
        lockedRounds = 0;
        continue;
      }
      // Another process holds the database (the CLI, a backup): wait for it asynchronously, then claim again; a
      // lock held longer than a run may wait leaves the rest, untouched and pending, to the next tick.
      this.locked = false;
      if (lockedRounds === 0) {
        lockedSince = performance.now();
        this.deps.log.warn('database locked by another process: deliveries wait for it', { platform: this.platform });
      }
      if (performance.now() - lockedSince >= SCHEDULER_LOCK_WAIT_MS) break;
      await this.sleep(lockDelay(lockedRounds));
      lockedRounds += 1;
    }
    if (summary.inDoubt > 0) {
      this.deps.log.warn('deliveries settled in doubt (the platform could not say whether they had arrived)', {
        platform: this.platform,
        inDoubt: summary.inDoubt,
        inDoubtEver: this.deps.deliveries.countInDoubt(),
      });
    }
    return summary;
  }

  private async worker(summary: SendSummary, endsAt: number): Promise<void> {
    const token = randomUUID();
    while (!this.stopping && this.deps.clock.now().getTime() < endsAt) {
      // The send slot is taken inside the attempt, right before its post (attempt.ts, `ready`).
      if (this.stopping || this.locked) return;
      let delivery: Delivery | undefined;
      try {
        const claim = () => this.deps.deliveries.claimNext(this.platform, this.deps.clock.now().toISOString(), token);
        delivery = this.deps.commits ? await this.deps.commits.run(claim) : claim();
      } catch (error) {
        if (!isDatabaseLocked(error)) throw error;
        this.locked = true;
        return;
      }
      if (!delivery) return;
      await this.deliver(delivery, token, summary);
    }
  }

  private async deliver(delivery: Delivery, token: string, summary: SendSummary): Promise<void> {
    const attempt = new DeliveryAttempt(
      {
        messenger: this.messenger,
        deps: this.deps,
        options: this.options,
        limiter: this.limiter,
        lookups: this.lookups,
        cancelled: () => this.stopping,
      },
      delivery,
      token,
    );
    let outcome: Outcome;
    try {
      const target = this.targetOf(delivery, token);
      outcome = typeof target === 'string' ? target : await attempt.run(target);
    } catch (error) {
      try {
        outcome = await attempt.onError(error);
      } catch (again) {
        if (!isDatabaseLocked(again)) throw again;
        // Locked for longer than a mark waits: the row stays claimed; once its lease ends it is released, and the
        // platform is asked whether it landed before any new try (releaseAbandoned, 'uncertain').
        this.deps.log.warn('database locked by another process: delivery left claimed until its lease ends', {
          delivery: delivery.id,
          platform: this.platform,
        });
        return;
      }
    }
    if (outcome !== 'lost') summary[outcome]++;
    // 'inDoubt' counts the rows not sent again; rows sent again blind, or given up unknown, count here too.
    if (attempt.settledInDoubt && outcome !== 'inDoubt') summary.inDoubt++;
  }

  /** The coach's DM or the channel the row names; an outcome instead when there is nobody to send to. */
  private targetOf(delivery: Delivery, token: string): DeliveryTarget | Outcome {
    const { deliveries } = this.deps;
    const now = this.deps.clock.now().toISOString();
    const target = parseRecipient(delivery.recipient);
    if (!target) {
      deliveries.markFailed(delivery.id, token, `unknown recipient ${delivery.recipient}`, now);
      return 'failed';
    }
    if (target.kind === 'channel') return { kind: 'channel', channel: { tenant: target.tenant, channelId: target.id } };
    const coach = this.deps.coaches.byId(target.coachId);
    if (!coach || this.deps.schedule.isUnreachable(target.coachId)) {
      deliveries.markSkipped(delivery.id, token, coach ? 'coach unreachable' : 'coach deleted', now);
      return 'skipped';
    }
    return { kind: 'coach', coach };
  }
}
