import { DeliveryError } from '../core/errors';
import type { Message } from '../core/message';
import type { DeliveryTarget, Messenger } from '../core/ports';
import { type Delivery, deliveryKey } from '../store/deliveries';
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
  | 'unreachable'
  | 'lost';

/**
 * Kinds that are not sent again when a crash or timeout left their send in doubt and the platform cannot tell
 * (Teams): a digest posted twice in a group's channel is noise in front of everyone and splits the discussion in
 * two threads. Every other kind goes to one coach's DM and is sent again: a duplicate prompt costs a coach a second
 * glance, a lost one costs them the day's reflection. See the README on reconciliation.
 */
export const AT_MOST_ONCE_WHEN_IN_DOUBT: ReadonlySet<string> = new Set(['digest']);

/** A lookup reads the conversation from a little before the delivery was due, allowing for clock skew. */
const LOOKUP_MARGIN_MS = 5 * 60_000;

export interface AttemptContext {
  messenger: Messenger;
  deps: SenderDeps;
  options: SenderOptions;
  limiter: AdaptiveRateLimiter;
}

type Image = NonNullable<Message['image']>;

const asDeliveryError = (error: unknown) =>
  error instanceof DeliveryError ? error : new DeliveryError('transient', (error as Error)?.message ?? 'error');

/**
 * One claimed delivery, sent in recorded steps: 'posting' right before the text's call, 'posted' (with its id)
 * right after, 'uploading' before the chart's. A crash then leaves exactly one call in doubt, and the next claim
 * asks the platform about that call only: the text (`wasDelivered`) or the chart (`wasImageDelivered`).
 */
export class DeliveryAttempt {
  private readonly key: string;
  private readonly fields: Record<string, unknown>;
  /** Set once a call that may post is under way: an error before it left nothing on the platform. */
  private posting = false;
  /** The row was settled without the platform's answer (sent again blind, not sent, or given up unknown). */
  settledInDoubt = false;

  constructor(
    private readonly ctx: AttemptContext,
    private readonly delivery: Delivery,
    private readonly token: string,
  ) {
    this.key = deliveryKey(delivery);
    this.fields = {
      delivery: delivery.id,
      kind: delivery.kind,
      localDate: delivery.localDate,
      platform: ctx.messenger.platform,
    };
  }

  private now(): string {
    return this.ctx.deps.clock.now().toISOString();
  }

  /** Where a lookup starts reading. */
  private since(): Date {
    return new Date(Date.parse(this.delivery.dueAt) - LOOKUP_MARGIN_MS);
  }

  async run(target: DeliveryTarget): Promise<Outcome> {
    const d = this.delivery;
    const { messenger } = this.ctx;
    if (d.stage === 'posted' || d.stage === 'uploading') {
      // The text is on the platform already: only its chart may be missing.
      const produced = await this.produce(target);
      if (produced === 'no producer') return 'failed';
      const image = produced?.image;
      if (!image || !messenger.attachImage) return this.finish('sent', {});
      return this.sendImage(target, image, { check: d.stage === 'uploading', textMessageId: d.messageId });
    }
    let inDoubt = false;
    if (d.uncertain) {
      let found: boolean | undefined;
      try {
        found = messenger.wasDelivered ? await messenger.wasDelivered(target, this.key, this.since()) : undefined;
      } catch (error) {
        const failure = asDeliveryError(error);
        // Refused for good (no history scope, bot not in the channel): as good as a platform that cannot tell.
        if (failure.kind !== 'unreachable') return this.onLookupFailure(failure);
        this.ctx.deps.log.warn('history lookup refused by the platform', { ...this.fields, reason: failure.message });
      }
      if (found === true) return this.alreadyDelivered(target);
      if (found === undefined) {
        if (AT_MOST_ONCE_WHEN_IN_DOUBT.has(d.kind)) {
          this.ctx.deps.log.warn('delivery in doubt and the platform cannot tell: not sent again', this.fields);
          return this.finish('inDoubt', { inDoubt: true, note: 'outcome unknown: not sent again (at most once)' });
        }
        this.ctx.deps.log.warn('delivery in doubt and the platform cannot tell: sending again', this.fields);
        inDoubt = true;
      }
    }
    const message = await this.produce(target);
    if (message === 'no producer') return 'failed';
    if (!message) {
      this.ctx.deps.deliveries.markSkipped(d.id, this.token, 'nothing to send', this.now());
      return 'skipped';
    }
    const image = messenger.attachImage ? message.image : undefined;
    if (!this.ctx.deps.deliveries.markStage(d.id, this.token, 'posting')) return 'lost';
    this.posting = true;
    let messageId: string | undefined;
    try {
      messageId = (await this.sendText(target, image ? { ...message, image: undefined } : message)).messageId;
    } catch (error) {
      return this.onSendFailure(asDeliveryError(error));
    }
    this.ctx.limiter.onSuccess();
    if (!image) return this.finish('sent', { messageId, inDoubt });
    if (!this.ctx.deps.deliveries.markStage(d.id, this.token, 'posted', messageId ?? null)) return 'lost';
    return this.sendImage(target, image, { check: false, textMessageId: messageId ?? null, inDoubt });
  }

  private async produce(target: DeliveryTarget): Promise<Message | undefined | 'no producer'> {
    const producer = this.ctx.deps.producers.get(this.delivery.kind);
    if (!producer) {
      this.ctx.deps.deliveries.markFailed(
        this.delivery.id,
        this.token,
        `no producer for kind "${this.delivery.kind}"`,
        this.now(),
      );
      this.ctx.deps.log.error('delivery has no producer', this.fields);
      return 'no producer';
    }
    const coach = target.kind === 'coach' ? target.coach : undefined;
    return producer({ delivery: this.delivery, coach, now: this.ctx.deps.clock.now() });
  }

  private sendText(target: DeliveryTarget, message: Message): Promise<{ messageId?: string }> {
    const { messenger } = this.ctx;
    if (target.kind === 'coach') return messenger.sendDirect(target.coach, message, this.key);
    if (!messenger.sendToChannel) {
      throw new DeliveryError('unreachable', `${messenger.platform} cannot post to channels`);
    }
    return messenger.sendToChannel(target.channel, message, this.key);
  }

  /** The text is there: its chart, where it has one the platform uploads apart, may still be missing. */
  private async alreadyDelivered(target: DeliveryTarget): Promise<Outcome> {
    this.ctx.deps.log.info('delivery found on the platform after an unknown outcome; not sent again', this.fields);
    if (this.ctx.messenger.attachImage) {
      const message = await this.produce(target);
      const image = message && message !== 'no producer' ? message.image : undefined;
      if (image) return this.sendImage(target, image, { check: true, textMessageId: null }, 'alreadyDelivered');
    }
    return this.finish('alreadyDelivered', {});
  }

  /** The chart after its text; `check` when an earlier upload may have landed (asked first, never blind). */
  private async sendImage(
    target: DeliveryTarget,
    image: Image,
    step: { check: boolean; textMessageId: string | null; inDoubt?: boolean },
    done: Outcome = 'sent',
  ): Promise<Outcome> {
    const { messenger, deps } = this.ctx;
    if (!deps.deliveries.markStage(this.delivery.id, this.token, 'uploading')) return 'lost';
    if (step.check && messenger.wasImageDelivered) {
      const after = { textMessageId: step.textMessageId ?? undefined, since: this.since() };
      let found: boolean | undefined;
      try {
        found = await messenger.wasImageDelivered(target, image, this.key, after);
      } catch (error) {
        const failure = asDeliveryError(error);
        // Refused for good (no history scope) counts as "cannot tell"; anything else is asked again later.
        if (failure.kind !== 'unreachable') return this.onImageFailure(failure);
      }
      if (found !== false) {
        // Found, or nobody can tell: a chart is the lesser half of a delivery, never worth a duplicate.
        return this.finish(done, found ? { inDoubt: step.inDoubt } : { inDoubt: true, note: 'chart outcome unknown' });
      }
    }
    try {
      await messenger.attachImage?.(target, image, this.key);
    } catch (error) {
      return this.onImageFailure(asDeliveryError(error));
    }
    return this.finish(done, { inDoubt: step.inDoubt });
  }

  private finish(outcome: Outcome, extra: { messageId?: string; inDoubt?: boolean; note?: string }): Outcome {
    const { messageId, ...rest } = extra;
    if (rest.inDoubt) this.settledInDoubt = true;
    const marked = this.ctx.deps.deliveries.markSent(this.delivery.id, this.token, messageId ?? null, this.now(), rest);
    return marked ? outcome : 'lost';
  }

  private backoffAt(): string {
    const { options, deps } = this.ctx;
    const random = deps.random ?? Math.random;
    const backoff = Math.min(options.backoffMaxMs, options.backoffBaseMs * 2 ** (this.delivery.attempts - 1));
    return new Date(deps.clock.now().getTime() + Math.round(backoff * (0.5 + random()))).toISOString();
  }

  /** A 429: the whole platform waits it out; not a failed try. */
  private waitOut(failure: DeliveryError): Outcome {
    const wait = failure.retryAfterMs ?? 1000;
    this.ctx.limiter.onRateLimited(wait);
    this.ctx.deps.deliveries.markRetry(this.delivery.id, this.token, {
      nextAttemptAt: new Date(this.ctx.deps.clock.now().getTime() + wait).toISOString(),
      error: failure.message,
      countAttempt: false,
      uncertain: false,
    });
    return 'retried';
  }

  private retryLater(failure: DeliveryError, uncertain: boolean): Outcome {
    const nextAttemptAt = this.backoffAt();
    this.ctx.deps.deliveries.markRetry(this.delivery.id, this.token, {
      nextAttemptAt,
      error: failure.message,
      countAttempt: true,
      uncertain,
    });
    this.ctx.deps.log.warn('delivery failed; will retry', {
      ...this.fields,
      attempts: this.delivery.attempts,
      retryAt: nextAttemptAt,
    });
    return 'retried';
  }

  /**
   * The platform could not be asked whether an earlier try landed. Never taken as "not delivered": asked again
   * later, with backoff, until the catch-up window of the delivery's due time has passed; then given up as failed
   * and in doubt, without a blind send (a message that old would be stale anyway).
   */
  private onLookupFailure(failure: DeliveryError): Outcome {
    if (failure.kind === 'rate_limited') return this.waitOut(failure);
    const deadline = Date.parse(this.delivery.dueAt) + this.ctx.options.catchUpMs;
    if (this.ctx.deps.clock.now().getTime() < deadline) return this.retryLater(failure, true);
    this.ctx.deps.deliveries.markFailed(
      this.delivery.id,
      this.token,
      `outcome unknown: the platform could not be asked (${failure.message})`,
      this.now(),
      { inDoubt: true },
    );
    this.settledInDoubt = true;
    this.ctx.deps.log.warn('delivery in doubt past its catch-up window: given up, not sent blind', this.fields);
    return 'failed';
  }

  /** The chart failed after its text: tried again while it may still work; the text is never sent twice. */
  private onImageFailure(failure: DeliveryError): Outcome {
    if (failure.kind === 'rate_limited') return this.waitOut(failure);
    if (failure.kind === 'transient' && this.delivery.attempts < this.ctx.options.maxAttempts) {
      return this.retryLater(failure, false);
    }
    // The text counts as delivered; an upload refused for good (no files:write scope) does not make the coach
    // unreachable.
    this.ctx.deps.log.warn('chart not delivered after its text', { ...this.fields, reason: failure.message });
    return this.finish('sent', { note: `chart not delivered: ${failure.message}` });
  }

  /** Anything else that went wrong mid-attempt: handled as a failed send that may have landed. */
  onError(error: unknown): Outcome {
    return this.onSendFailure(asDeliveryError(error), this.posting);
  }

  private onSendFailure(failure: DeliveryError, mayHaveLanded = true): Outcome {
    const { deliveries, log, schedule } = this.ctx.deps;
    const d = this.delivery;
    if (failure.kind === 'rate_limited') return this.waitOut(failure);
    if (failure.kind === 'unreachable') {
      deliveries.markSkipped(d.id, this.token, `unreachable: ${failure.message}`, this.now());
      if (d.coachId !== null) schedule.markUnreachable(d.coachId, failure.message, this.now());
      log.warn('recipient unreachable: marked, no more sends until they write again', {
        ...this.fields,
        coach: d.coachId,
        reason: failure.message,
      });
      return 'unreachable';
    }
    if (d.attempts >= this.ctx.options.maxAttempts) {
      deliveries.markFailed(d.id, this.token, failure.message, this.now());
      log.error('delivery failed after its last attempt', { ...this.fields, attempts: d.attempts, error: failure });
      return 'failed';
    }
    // A timeout or 5xx may still have posted: ask the platform before the next try.
    return this.retryLater(failure, mayHaveLanded);
  }
}
