import { randomUUID } from 'node:crypto';
import { removalReport } from '../core/deletion';
import { DeliveryError, isPermanent } from '../core/errors';
import type { Platform } from '../core/model';
import type { Messenger } from '../core/ports';
import type { PlatformMessageStore, QueuedRemoval } from '../store/platform-messages';
import { DEFAULT_SENDER_OPTIONS, type SenderDeps, type SenderOptions } from './delivery';
import { isDatabaseLocked, whenUnlocked } from './lock-wait';
import { AdaptiveRateLimiter } from './rate-limiter';
import { StoppableSleep } from './stoppable-sleep';

/**
 * Drains the removal queue (src/store/platform-messages.ts): Slack chat.delete / files.delete and Teams
 * deleteActivity for what a delete or the retention rule queued. Paced and retried like the outbox's sends
 * (src/schedule/delivery.ts): a per-platform limiter that learns from 429s, exponential backoff with jitter for
 * 5xx and timeouts, a claim with a lease per row so a crash is taken over later. When every item of a coach's request
 * is settled, the coach gets one last plain message with the count.
 */

/** The sender's pacing and retry settings (src/schedule/delivery.ts), and a lease per claimed row. */
export interface RemoverOptions extends SenderOptions {
  /** Tries of a removal (or its count's notice) before it is given up. */
  maxAttempts: number;
  /** A row claimed longer ago than this belongs to a worker that died. */
  leaseMs: number;
}

export const DEFAULT_REMOVER_OPTIONS: RemoverOptions = {
  ...DEFAULT_SENDER_OPTIONS,
  concurrency: 4,
  leaseMs: 60_000,
  maxAttempts: 5,
};

export interface RemoverDeps extends Pick<SenderDeps, 'clock' | 'log' | 'random' | 'sleep'> {
  store: PlatformMessageStore;
}

export interface RemovalSummary {
  removed: number;
  /** The platform said it was already gone: counted as removed. */
  gone: number;
  retried: number;
  failed: number;
  /** Coaches told the count. */
  reported: number;
}

const emptySummary = (): RemovalSummary => ({ removed: 0, gone: 0, retried: 0, failed: 0, reported: 0 });

type Removing = Messenger & Required<Pick<Messenger, 'removeItem'>>;

/** One platform's removals: a few workers in parallel, each claiming one row at a time. */
export class PlatformRemover {
  readonly limiter: AdaptiveRateLimiter;
  private readonly options: RemoverOptions;
  private running: Promise<RemovalSummary> | undefined;
  private again = false;
  private stopping = false;
  /** A claim found the database locked by another process: this run leaves the queue to the next one. */
  private locked = false;
  private readonly sleeper: StoppableSleep;

  constructor(
    readonly messenger: Removing,
    private readonly deps: RemoverDeps,
    options: Partial<RemoverOptions> = {},
  ) {
    this.options = { ...DEFAULT_REMOVER_OPTIONS, ...options };
    this.sleeper = new StoppableSleep(deps.sleep);
    this.limiter = new AdaptiveRateLimiter({
      sleep: (ms) => this.sleeper.sleep(ms),
      now: () => deps.clock.now().getTime(),
      ...this.options.limiter,
    });
  }

  get platform(): Platform {
    return this.messenger.platform;
  }

  /** Removes everything queued and ready. A call while running makes the run go round once more. */
  run(): Promise<RemovalSummary> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      const summary = emptySummary();
      do {
        this.again = false;
        await this.drain(summary);
      } while (this.again && !this.stopping);
      return summary;
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.sleeper.stop();
    await this.running;
  }

  private nowIso(offsetMs = 0): string {
    return new Date(this.deps.clock.now().getTime() + offsetMs).toISOString();
  }

  private async drain(summary: RemovalSummary): Promise<void> {
    const { store, log } = this.deps;
    const released = store.releaseAbandoned(this.nowIso(-this.options.leaseMs));
    if (released) log.warn('removals abandoned mid-way: queued again', { platform: this.platform, released });
    while (!this.stopping) {
      const next = store.nextPendingAt(this.platform);
      if (!next) break;
      const wait = Date.parse(next) - this.deps.clock.now().getTime();
      if (wait > 0) {
        if (wait > this.options.maxWaitMs) break;
        await this.sleeper.sleep(wait);
        continue;
      }
      this.locked = false;
      await Promise.all(Array.from({ length: this.options.concurrency }, () => this.worker(summary)));
      if (this.locked) {
        log.warn('database locked by another process: removals wait for the next run', { platform: this.platform });
        return;
      }
    }
    if (!this.stopping) await this.report(summary);
  }

  private async worker(summary: RemovalSummary): Promise<void> {
    const token = randomUUID();
    while (!this.stopping && !this.locked) {
      await this.limiter.acquire(() => this.stopping || this.locked);
      if (this.stopping || this.locked) return;
      let item: QueuedRemoval | undefined;
      try {
        item = this.deps.store.claimNext(this.platform, this.nowIso(), token);
      } catch (error) {
        // Another process holds the database: the queue stays as it is, for the next tick or kick.
        if (!isDatabaseLocked(error)) throw error;
        this.locked = true;
        return;
      }
      if (!item) return;
      await this.remove(item, token, summary);
    }
  }

  private async remove(item: QueuedRemoval, token: string, summary: RemovalSummary): Promise<void> {
    const { store, log } = this.deps;
    const fields = { platform: this.platform, removal: item.id, kind: item.kind, attempts: item.attempts };
    let outcome: 'removed' | 'gone';
    try {
      outcome = await this.messenger.removeItem(item);
    } catch (error) {
      await this.onRemoveFailure(item, token, summary, fields, error);
      return;
    }
    // Removed: the mark waits out another process's lock (a lock is never taken for a platform failure).
    await whenUnlocked(() => store.markRemoved(item.id, token));
    this.limiter.onSuccess();
    if (outcome === 'gone') summary.gone++;
    else summary.removed++;
    log.debug('platform item removed', { ...fields, outcome });
  }

  private async onRemoveFailure(
    item: QueuedRemoval,
    token: string,
    summary: RemovalSummary,
    fields: Record<string, unknown>,
    error: unknown,
  ): Promise<void> {
    const { store, log } = this.deps;
    const failure =
      error instanceof DeliveryError ? error : new DeliveryError('transient', (error as Error)?.message ?? 'error');
    if (failure.kind === 'rate_limited') {
      const wait = failure.retryAfterMs ?? 1000;
      this.limiter.onRateLimited(wait);
      await whenUnlocked(() =>
        store.markRetry(item.id, token, {
          nextAttemptAt: this.nowIso(wait),
          error: failure.message,
          countAttempt: false,
        }),
      );
      summary.retried++;
      return;
    }
    if (isPermanent(failure.kind) || item.attempts >= this.options.maxAttempts) {
      await whenUnlocked(() => store.markFailed(item.id, token, failure.message));
      summary.failed++;
      log.warn('platform item could not be removed', { ...fields, error: failure.message });
      return;
    }
    const backoff = Math.min(this.options.backoffMaxMs, this.options.backoffBaseMs * 2 ** (item.attempts - 1));
    const jittered = Math.round(backoff * (0.5 + (this.deps.random ?? Math.random)()));
    await whenUnlocked(() =>
      store.markRetry(item.id, token, {
        nextAttemptAt: this.nowIso(jittered),
        error: failure.message,
        countAttempt: true,
      }),
    );
    summary.retried++;
    log.info('platform item removal failed; will retry', { ...fields, retryInMs: jittered });
  }

  /**
   * The last word for every coach whose items are all settled: the count, sent once and not recorded. A failed
   * send is tried again after the lease, at most maxAttempts times; then the run goes without it (logged).
   */
  private async report(summary: RemovalSummary): Promise<void> {
    const { store, log } = this.deps;
    for (;;) {
      const run = store.claimFinishedRun(this.platform, this.nowIso(), this.nowIso(-this.options.leaseMs));
      if (!run) return;
      const fields = { platform: this.platform, run: run.id, removed: run.removed, failed: run.failed };
      try {
        if (!this.messenger.sendNotice) throw new DeliveryError('unreachable', 'this platform sends no notices');
        const target = {
          tenant: run.tenant,
          user: run.user,
          ...(run.conversation ? { conversation: run.conversation } : {}),
          ...(run.serviceUrl ? { serviceUrl: run.serviceUrl } : {}),
        };
        await this.messenger.sendNotice(target, removalReport(this.platform, run.removed, run.failed));
        await whenUnlocked(() => store.finishRun(run.id));
        summary.reported++;
        log.info('removals finished; coach told the count', fields);
      } catch (error) {
        const kind = error instanceof DeliveryError ? error.kind : 'transient';
        const final = isPermanent(kind) || run.reportAttempts >= this.options.maxAttempts;
        if (final) store.finishRun(run.id);
        // Otherwise the claim stays until its lease runs out, and a later run tries again.
        log.warn(final ? 'removals finished; the count could not be sent' : 'removal count not sent; will retry', {
          ...fields,
          error: (error as Error).message,
        });
      }
    }
  }
}

/** Every platform's remover, over the messengers that can remove. */
export class Remover {
  private readonly removers: PlatformRemover[];

  constructor(messengers: readonly Messenger[], deps: RemoverDeps, options: Partial<RemoverOptions> = {}) {
    this.removers = messengers
      .filter((m): m is Removing => typeof m.removeItem === 'function')
      .map((m) => new PlatformRemover(m, deps, options));
  }

  get platforms(): Platform[] {
    return this.removers.map((r) => r.platform);
  }

  async run(): Promise<Partial<Record<Platform, RemovalSummary>>> {
    const results = await Promise.all(this.removers.map(async (r) => [r.platform, await r.run()] as const));
    return Object.fromEntries(results);
  }

  async stop(): Promise<void> {
    await Promise.all(this.removers.map((r) => r.stop()));
  }
}
