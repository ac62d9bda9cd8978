import { DeliveryError } from '../core/errors';
import type { Message } from '../core/message';
import type { DeliveryTarget, PostedItem } from '../core/ports';
import { type Delivery, deliveryKey } from '../store/deliveries';
import { AT_MOST_ONCE_WHEN_IN_DOUBT, type AttemptContext, backoffAt, type Outcome } from './attempt-context';
import { markWithRecord, outboxWrite } from './attempt-writes';
import { isDatabaseLocked } from './lock-wait';
import { asDeliveryError, type LookupOf, lookUp, lookupSince, waitForLookup } from './lookup';

export { AT_MOST_ONCE_WHEN_IN_DOUBT, type AttemptContext, type Outcome };

type Image = NonNullable<Message['image']>;

/** What a lookup said: found or not, `undefined` when the platform cannot tell; or the row was settled meanwhile. */
type Answer = { found: boolean | undefined } | { outcome: Outcome };

/**
 * One claimed delivery, sent in recorded steps: 'posting' right before the text's call, 'posted' (with its id)
 * right after, 'uploading' before the chart's. A crash then leaves exactly one call in doubt, and the next claim
 * asks the platform about that call only: the text (`wasDelivered`) or the chart (`wasImageDelivered`).
 * A transient failure is retried until the catch-up window ends; only a permanent answer fails a delivery before.
 */
export class DeliveryAttempt {
  private readonly key: string;
  private readonly fields: Record<string, unknown>;
  /** Set once a call that may post is under way: an error before it left nothing on the platform. */
  private posting = false;
  /** This attempt's send slot is taken (see takeSlot). */
  private slotTaken = false;
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

  /** A write to the outbox, resolved once committed (see attempt-writes.ts). */
  private write<T>(work: () => T): Promise<T> {
    return outboxWrite(this.ctx.deps, work);
  }

  private now(): string {
    return this.ctx.deps.clock.now().toISOString();
  }

  /** The end of the delivery's catch-up window (ms). */
  private deadline(): number {
    return Date.parse(this.delivery.dueAt) + this.ctx.options.catchUpMs;
  }

  private expired(): boolean {
    return this.ctx.deps.clock.now().getTime() >= this.deadline();
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
      const ask = messenger.wasDelivered?.bind(messenger);
      const answer = await this.ask(ask && (() => ask(target, this.key, lookupSince(this.delivery))), 'text');
      if ('outcome' in answer) return answer.outcome;
      if (answer.found === true) return this.alreadyDelivered(target);
      if (answer.found === undefined) {
        if (this.expired()) return this.expire('outcome unknown and the platform cannot tell', true);
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
      await this.write(() => this.ctx.deps.deliveries.markSkipped(d.id, this.token, 'nothing to send', this.now()));
      return 'skipped';
    }
    // Stale by now (and, when in doubt, the platform said it is not there): dropped with its reason, never sent.
    if (this.expired()) return this.expire(d.error ? `not delivered, last error: ${d.error}` : 'not sent', false);
    const image = messenger.attachImage ? message.image : undefined;
    const ready = await this.ready(target);
    if (ready !== true) return ready;
    if (!(await this.write(() => this.ctx.deps.deliveries.markStage(d.id, this.token, 'posting', this.now()))))
      return 'lost';
    this.posting = true;
    let sent: { messageId?: string; posted?: PostedItem };
    try {
      sent = await this.sendText(target, image ? { ...message, image: undefined } : message);
    } catch (error) {
      return this.onSendFailure(asDeliveryError(error));
    }
    this.ctx.limiter.onSuccess();
    const { messageId, posted } = sent;
    if (!image) return this.finish('sent', { messageId, inDoubt }, posted);
    const marked = await this.writeWithRecord(posted, () =>
      this.ctx.deps.deliveries.markStage(d.id, this.token, 'posted', this.now(), messageId ?? null),
    );
    if (!marked) return 'lost';
    return this.sendImage(target, image, { check: false, textMessageId: messageId ?? null, inDoubt });
  }

  /**
   * Right before the text's call: the conversation opened (Slack's conversations.open, which posts nothing) and the
   * platform's send slot taken, so between the slot and the post there is only the 'posting' mark (no call, no
   * other commit): sends reach the platform at the limiter's pace, not bunched by the latency before them. A crash
   * while waiting for the slot leaves the row 'claimed': nothing was posted, and it is sent again without a lookup.
   */
  private async ready(target: DeliveryTarget): Promise<true | Outcome> {
    try {
      await this.ctx.messenger.openConversation?.(target);
    } catch (error) {
      return this.onSendFailure(asDeliveryError(error), false);
    }
    return this.takeSlot();
  }

  /**
   * One send slot per attempt that posts (the text, or a chart left over from an earlier claim). The sender
   * stopping while the row waits for its slot puts it back as it was, not a try.
   */
  private async takeSlot(): Promise<true | Outcome> {
    if (this.slotTaken) return true;
    await this.ctx.limiter.acquire(this.ctx.cancelled);
    if (!this.ctx.cancelled()) {
      this.slotTaken = true;
      return true;
    }
    const d = this.delivery;
    await this.write(() =>
      this.ctx.deps.deliveries.markRetry(d.id, this.token, {
        nextAttemptAt: this.now(),
        error: d.error ?? 'not sent yet: the sender stopped',
        countAttempt: false,
        uncertain: false,
      }),
    );
    return 'retried';
  }

  /**
   * Asks the platform whether an earlier try landed (see lookup.ts). No lookup slot, or a failed lookup, is never
   * taken for "not there": the row goes back to the outbox and asks again later (or, past the catch-up window, is
   * given up unsent).
   */
  private async ask(question: (() => Promise<boolean | undefined>) | undefined, what: LookupOf): Promise<Answer> {
    const result = await lookUp(this.ctx, question, this.fields);
    if ('waitMs' in result) {
      await waitForLookup(this.ctx, this.delivery, this.token, result.waitMs, what);
      return { outcome: 'retried' };
    }
    if (!('failure' in result)) return result;
    const { failure } = result;
    if (!this.expired()) return { outcome: await this.retryLater(failure, what === 'text') };
    if (what === 'chart') {
      const note = `chart outcome unknown: the platform could not be asked (${failure.message})`;
      return { outcome: await this.finish('sent', { inDoubt: true, note }) };
    }
    this.ctx.deps.log.warn('delivery in doubt past its catch-up window: given up, not sent blind', this.fields);
    return {
      outcome: await this.expire(`outcome unknown: the platform could not be asked (${failure.message})`, true),
    };
  }

  /** Past the catch-up window: marked failed with an "expired: ..." reason (listed by `deliveries --failed`). */
  private async expire(detail: string, inDoubt: boolean): Promise<Outcome> {
    const d = this.delivery;
    const minutes = Math.round(this.ctx.options.catchUpMs / 60_000);
    const reason = `expired: past its catch-up window (${minutes} min after its due time): ${detail}`;
    if (
      !(await this.write(() => this.ctx.deps.deliveries.markFailed(d.id, this.token, reason, this.now(), { inDoubt })))
    )
      return 'lost';
    if (inDoubt) this.settledInDoubt = true;
    this.ctx.deps.log.warn('delivery expired: past its catch-up window, not sent', {
      ...this.fields,
      attempts: d.attempts,
      inDoubt,
    });
    return 'expired';
  }

  private async produce(target: DeliveryTarget): Promise<Message | undefined | 'no producer'> {
    const producer = this.ctx.deps.producers.get(this.delivery.kind);
    if (!producer) {
      await this.write(() =>
        this.ctx.deps.deliveries.markFailed(
          this.delivery.id,
          this.token,
          `no producer for kind "${this.delivery.kind}"`,
          this.now(),
        ),
      );
      this.ctx.deps.log.error('delivery has no producer', this.fields);
      return 'no producer';
    }
    const coach = target.kind === 'coach' ? target.coach : undefined;
    return producer({ delivery: this.delivery, coach, now: this.ctx.deps.clock.now() });
  }

  /**
   * The text's call. Where the sender writes removal records (`postedItems`), the messenger hands the posted text's
   * record back and the next mark writes it in the same commit (`writeWithRecord`).
   */
  private sendText(target: DeliveryTarget, message: Message): Promise<{ messageId?: string; posted?: PostedItem }> {
    const { messenger } = this.ctx;
    const options = { handBack: this.ctx.deps.postedItems !== undefined };
    if (target.kind === 'coach') return messenger.sendDirect(target.coach, message, this.key, options);
    if (!messenger.sendToChannel) {
      throw new DeliveryError('unreachable', `${messenger.platform} cannot post to channels`);
    }
    return messenger.sendToChannel(target.channel, message, this.key, options);
  }

  /** A mark right after the text was posted, with the text's removal record in the same commit. */
  private writeWithRecord(posted: PostedItem | undefined, mark: () => boolean): Promise<boolean> {
    return markWithRecord(this.ctx.deps, posted, mark);
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
    const slot = await this.takeSlot();
    if (slot !== true) return slot;
    if (!(await this.write(() => deps.deliveries.markStage(this.delivery.id, this.token, 'uploading', this.now()))))
      return 'lost';
    if (step.check && messenger.wasImageDelivered) {
      const after = { textMessageId: step.textMessageId ?? undefined, since: lookupSince(this.delivery) };
      const ask = messenger.wasImageDelivered.bind(messenger);
      const answer = await this.ask(() => ask(target, image, this.key, after), 'chart');
      if ('outcome' in answer) return answer.outcome;
      if (answer.found !== false) {
        // Found, or nobody can tell: a chart is the lesser half of a delivery, never worth a duplicate.
        const { found } = answer;
        return this.finish(done, found ? { inDoubt: step.inDoubt } : { inDoubt: true, note: 'chart outcome unknown' });
      }
    }
    if (this.expired()) return this.finish(done, { inDoubt: step.inDoubt, note: 'chart not delivered: expired' });
    try {
      await messenger.attachImage?.(target, image, this.key);
    } catch (error) {
      return this.onImageFailure(asDeliveryError(error), done);
    }
    return this.finish(done, { inDoubt: step.inDoubt });
  }

  private async finish(
    outcome: Outcome,
    extra: { messageId?: string; inDoubt?: boolean; note?: string },
    posted?: PostedItem,
  ): Promise<Outcome> {
    const { messageId, ...rest } = extra;
    if (rest.inDoubt) this.settledInDoubt = true;
    const marked = await this.writeWithRecord(posted, () =>
      this.ctx.deps.deliveries.markSent(this.delivery.id, this.token, messageId ?? null, this.now(), rest),
    );
    return marked ? outcome : 'lost';
  }

  /** A 429: the whole platform waits it out; not a failed try. */
  private async waitOut(failure: DeliveryError): Promise<Outcome> {
    const wait = failure.retryAfterMs ?? 1000;
    this.ctx.limiter.onRateLimited(wait);
    await this.write(() =>
      this.ctx.deps.deliveries.markRetry(this.delivery.id, this.token, {
        nextAttemptAt: new Date(this.ctx.deps.clock.now().getTime() + wait).toISOString(),
        error: failure.message,
        countAttempt: false,
        uncertain: false,
      }),
    );
    return 'retried';
  }

  /**
   * Another try later. `uncertain` when the failed call may have landed: the next claim asks the platform first,
   * and not before `settleMs`, so a post the platform completes after our timeout is found rather than sent again.
   */
  private async retryLater(failure: DeliveryError, uncertain: boolean, settle = false): Promise<Outcome> {
    const nextAttemptAt = backoffAt(this.ctx, this.delivery, this.deadline(), settle);
    await this.write(() =>
      this.ctx.deps.deliveries.markRetry(this.delivery.id, this.token, {
        nextAttemptAt,
        error: failure.message,
        countAttempt: true,
        uncertain,
      }),
    );
    this.ctx.deps.log.warn('delivery failed; will retry', {
      ...this.fields,
      attempts: this.delivery.attempts,
      retryAt: nextAttemptAt,
      reason: failure.message,
    });
    return 'retried';
  }

  /** The chart failed after its text: tried again while the window lasts; the text is never sent twice. */
  private async onImageFailure(failure: DeliveryError, done: Outcome): Promise<Outcome> {
    if (failure.kind === 'rate_limited') return this.waitOut(failure);
    if (failure.kind === 'transient' && !this.expired()) return this.retryLater(failure, false, true);
    // The text counts as delivered; an upload refused for good (no files:write scope) does not make the coach
    // unreachable.
    this.ctx.deps.log.warn('chart not delivered after its text', { ...this.fields, reason: failure.message });
    const why = failure.kind === 'transient' ? `expired, last error: ${failure.message}` : failure.message;
    return this.finish(done, { note: `chart not delivered: ${why}` });
  }

  /** Anything else that went wrong mid-attempt: handled as a failed send that may have landed. */
  async onError(error: unknown): Promise<Outcome> {
    if (isDatabaseLocked(error) && !this.posting) {
      // Another process held the database before anything was posted (a producer's write, an early mark): not a
      // try; the row goes back to the outbox as it was, for the next claim.
      const d = this.delivery;
      this.ctx.deps.log.warn('database locked by another process: delivery put back, not a try', this.fields);
      await this.write(() =>
        this.ctx.deps.deliveries.markRetry(d.id, this.token, {
          nextAttemptAt: this.now(),
          error: d.error ?? 'database locked by another process',
          countAttempt: false,
          uncertain: d.uncertain,
        }),
      );
      return 'retried';
    }
    return this.onSendFailure(asDeliveryError(error), this.posting);
  }

  /**
   * Only a permanent answer ends a delivery before its window does: the recipient gone (marked unreachable, no
   * more sends until they write again) or the bot refused (a revoked token, a missing scope: the coach stays).
   */
  private async onSendFailure(failure: DeliveryError, mayHaveLanded = true): Promise<Outcome> {
    const { deliveries, log, schedule } = this.ctx.deps;
    const d = this.delivery;
    if (failure.kind === 'rate_limited') return this.waitOut(failure);
    if (failure.kind === 'unreachable') {
      await this.write(() => deliveries.markFailed(d.id, this.token, `unreachable: ${failure.message}`, this.now()));
      const { coachId } = d;
      if (coachId !== null) await this.write(() => schedule.markUnreachable(coachId, failure.message, this.now()));
      log.warn('recipient unreachable: marked, no more sends until they write again', {
        ...this.fields,
        coach: d.coachId,
        reason: failure.message,
      });
      return 'unreachable';
    }
    if (failure.kind === 'refused') {
      await this.write(() => deliveries.markFailed(d.id, this.token, `refused: ${failure.message}`, this.now()));
      log.error('delivery refused by the platform (the app, not the recipient): failed', {
        ...this.fields,
        reason: failure.message,
      });
      return 'failed';
    }
    // A timeout, reset or 5xx may still have posted: ask the platform (after it has settled) before the next try.
    return this.retryLater(failure, mayHaveLanded, mayHaveLanded);
  }
}
