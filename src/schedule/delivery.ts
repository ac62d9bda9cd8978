import { randomUUID } from 'node:crypto';
import { DeliveryError } from '../core/errors';
import type { Coach, Platform } from '../core/model';
import type { Clock, CoachRepository, Logger, Messenger } from '../core/ports';
import { type Delivery, type DeliveryStore, deliveryKey } from '../store/deliveries';
import type { ScheduleStore } from '../store/schedule';
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

function canPostToChannels(m: Messenger): m is Messenger & Required<Pick<Messenger, 'sendToChannel'>> {
  return typeof m.sendToChannel === 'function';
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
  /** Tries of a transient failure (5xx, timeout) before the delivery is marked failed. */
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Longest wait for a retry inside one run; later retries are picked up by a later tick. */
  maxWaitMs: number;
  limiter: RateLimiterOptions;
}

export const DEFAULT_SENDER_OPTIONS: SenderOptions = {
  concurrency: 16,
  maxAttempts: 5,
  backoffBaseMs: 2_000,
  backoffMaxMs: 5 * 60_000,
  maxWaitMs: 60_000,
  limiter: {},
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
}

export interface SendSummary {
  sent: number;
  alreadyDelivered: number;
  skipped: number;
  retried: number;
  failed: number;
  unreachable: number;
}

const emptySummary = (): SendSummary => ({
  sent: 0,
  alreadyDelivered: 0,
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
  private readonly options: SenderOptions;
  private running: Promise<SendSummary> | undefined;
  private stopping = false;
  private readonly sleeper: StoppableSleep;

  constructor(
    readonly messenger: Messenger,
    private readonly deps: SenderDeps,
    options: Partial<SenderOptions> = {},
  ) {
    this.options = { ...DEFAULT_SENDER_OPTIONS, ...options };
    this.sleeper = new StoppableSleep(deps.sleep);
    this.limiter = new AdaptiveRateLimiter({ sleep: (ms) => this.sleep(ms), ...this.options.limiter });
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
    while (!this.stopping) {
      const next = this.deps.deliveries.nextPendingAt(this.platform);
      if (!next) break;
      // Rows waiting on a Retry-After or a short backoff: wait here rather than a whole minute for the next tick.
      const wait = Date.parse(next) - this.deps.clock.now().getTime();
      if (wait > 0) {
        if (wait > this.options.maxWaitMs) break;
        await this.sleep(wait);
        continue;
      }
      await Promise.all(Array.from({ length: this.options.concurrency }, () => this.worker(summary)));
    }
    return summary;
  }

  private async worker(summary: SendSummary): Promise<void> {
    const token = randomUUID();
    while (!this.stopping) {
      await this.limiter.acquire(() => this.stopping);
      if (this.stopping) return;
      const delivery = this.deps.deliveries.claimNext(this.platform, this.deps.clock.now().toISOString(), token);
      if (!delivery) return;
      await this.deliver(delivery, token, summary);
    }
  }

  private async deliver(delivery: Delivery, token: string, summary: SendSummary): Promise<void> {
    const { deliveries, log } = this.deps;
    const now = () => this.deps.clock.now().toISOString();
    const key = deliveryKey(delivery);
    const fields = {
      delivery: delivery.id,
      kind: delivery.kind,
      localDate: delivery.localDate,
      platform: this.platform,
    };
    try {
      const target = parseRecipient(delivery.recipient);
      if (!target) {
        deliveries.markFailed(delivery.id, token, `unknown recipient ${delivery.recipient}`, now());
        summary.failed++;
        return;
      }
      let coach: Coach | undefined;
      if (target.kind === 'coach') {
        coach = this.deps.coaches.byId(target.coachId);
        if (!coach || this.deps.schedule.isUnreachable(target.coachId)) {
          deliveries.markSkipped(delivery.id, token, coach ? 'coach unreachable' : 'coach deleted', now());
          summary.skipped++;
          return;
        }
      }
      // A send whose outcome is unknown (crash or timeout mid-send): ask the platform before sending again.
      if (delivery.uncertain && coach && this.messenger.wasDelivered) {
        if ((await this.messenger.wasDelivered(coach, key)) === true) {
          deliveries.markSent(delivery.id, token, null, now());
          summary.alreadyDelivered++;
          log.info('delivery found on the platform after an unknown outcome; not sent again', fields);
          return;
        }
      }
      const producer = this.deps.producers.get(delivery.kind);
      if (!producer) {
        deliveries.markFailed(delivery.id, token, `no producer for kind "${delivery.kind}"`, now());
        summary.failed++;
        log.error('delivery has no producer', fields);
        return;
      }
      const message = await producer({ delivery, coach, now: this.deps.clock.now() });
      if (!message) {
        deliveries.markSkipped(delivery.id, token, 'nothing to send', now());
        summary.skipped++;
        return;
      }
      let result: { messageId?: string };
      if (target.kind === 'coach' && coach) {
        result = await this.messenger.sendDirect(coach, message, key);
      } else if (target.kind === 'channel' && canPostToChannels(this.messenger)) {
        result = await this.messenger.sendToChannel({ tenant: target.tenant, channelId: target.id }, message, key);
      } else {
        throw new DeliveryError('unreachable', `${this.platform} cannot post to channels`);
      }
      deliveries.markSent(delivery.id, token, result.messageId ?? null, now());
      this.limiter.onSuccess();
      summary.sent++;
    } catch (error) {
      this.onFailure(delivery, token, error, summary, fields);
    }
  }

  private onFailure(
    delivery: Delivery,
    token: string,
    error: unknown,
    summary: SendSummary,
    fields: Record<string, unknown>,
  ): void {
    const { deliveries, log, clock } = this.deps;
    const now = clock.now();
    const failure =
      error instanceof DeliveryError ? error : new DeliveryError('transient', (error as Error)?.message ?? 'error');
    if (failure.kind === 'rate_limited') {
      const wait = failure.retryAfterMs ?? 1000;
      this.limiter.onRateLimited(wait);
      deliveries.markRetry(delivery.id, token, {
        nextAttemptAt: new Date(now.getTime() + wait).toISOString(),
        error: failure.message,
        countAttempt: false,
        uncertain: false,
      });
      summary.retried++;
      return;
    }
    if (failure.kind === 'unreachable') {
      deliveries.markSkipped(delivery.id, token, `unreachable: ${failure.message}`, now.toISOString());
      if (delivery.coachId !== null) {
        this.deps.schedule.markUnreachable(delivery.coachId, failure.message, now.toISOString());
      }
      summary.unreachable++;
      log.warn('recipient unreachable: marked, no more sends until they write again', {
        ...fields,
        coach: delivery.coachId,
        reason: failure.message,
      });
      return;
    }
    if (delivery.attempts >= this.options.maxAttempts) {
      deliveries.markFailed(delivery.id, token, failure.message, now.toISOString());
      summary.failed++;
      log.error('delivery failed after its last attempt', { ...fields, attempts: delivery.attempts, error: failure });
      return;
    }
    const random = this.deps.random ?? Math.random;
    const backoff = Math.min(this.options.backoffMaxMs, this.options.backoffBaseMs * 2 ** (delivery.attempts - 1));
    const jittered = Math.round(backoff * (0.5 + random()));
    // A timeout or 5xx may still have posted: ask the platform before the next try.
    deliveries.markRetry(delivery.id, token, {
      nextAttemptAt: new Date(now.getTime() + jittered).toISOString(),
      error: failure.message,
      countAttempt: true,
      uncertain: true,
    });
    summary.retried++;
    log.warn('delivery failed; will retry', { ...fields, attempts: delivery.attempts, retryInMs: jittered });
  }
}
