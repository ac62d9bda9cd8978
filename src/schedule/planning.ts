import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Logger } from '../core/ports';
import type { SendSummary } from './delivery';
import type { PlanSummary } from './jobs';
import { isDatabaseLocked } from './lock-wait';

/**
 * A tick's plan run alongside its sends. The plan is written in steps (a generator that yields after each committed
 * transaction of a few coaches); the first step runs at once, each later one on its own turn of the event loop,
 * so the senders start on the first rows while the rest are still being planned. At 10,000 coaches due at once
 * the plan takes a few seconds: before, not one DM went out until all of it was written.
 *
 * A sender that finds the outbox empty while planning goes on (it sent faster than the plan wrote) is run again
 * after the next step, and once more after the last one if any step was committed during its run, so no planned
 * row waits for the next tick. Each step is one IMMEDIATE transaction, as before: another process holding the
 * database fails a step at once, and the rest of the plan is left to the next tick (logged), as before.
 */
export class SteppedPlan {
  private readonly summary: PlanSummary = { coaches: 0, enqueued: 0, missed: 0 };
  private readonly steps: Generator<void, void>;
  /** Steps committed so far. */
  private committed = 0;
  private finished = false;
  private failure: unknown;
  private waiting: (() => void)[] = [];
  private readonly running: Promise<void>;

  constructor(
    plan: (summary: PlanSummary) => Generator<void, void>,
    private readonly options: { log: Logger; stopped: () => boolean },
  ) {
    this.steps = plan(this.summary);
    this.step();
    this.running = this.rest();
  }

  /** The plan's figures once its last step has run; a step's error (other than a lock) is thrown here. */
  async done(): Promise<PlanSummary> {
    await this.running;
    if (this.failure !== undefined) throw this.failure;
    return { ...this.summary };
  }

  /** Runs `send` (a platform sender's drain) until it has seen every row the plan wrote; their summaries added. */
  async alongside(send: () => Promise<SendSummary>): Promise<SendSummary> {
    let total: SendSummary | undefined;
    for (;;) {
      const before = this.committed;
      const summary = await send();
      total = total ? addSummaries(total, summary) : summary;
      if (this.finished && this.committed === before) return total;
      if (!this.finished) await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private async rest(): Promise<void> {
    while (!this.finished) {
      await nextTurn();
      this.step();
    }
  }

  private step(): void {
    try {
      if (this.options.stopped()) this.finished = true;
      else {
        // The last step commits too (the last coaches, snoozed prompts, digests) before it says it is done.
        this.finished = this.steps.next().done === true;
        this.committed++;
      }
    } catch (error) {
      this.finished = true;
      if (isDatabaseLocked(error)) {
        this.options.log.warn('database locked by another process: the next tick tries again', { step: 'planning' });
      } else this.failure = error;
    }
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }
}

function addSummaries(a: SendSummary, b: SendSummary): SendSummary {
  const sum = { ...a };
  for (const key of Object.keys(b) as (keyof SendSummary)[]) sum[key] += b[key];
  return sum;
}
