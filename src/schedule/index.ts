import type { AppContext } from '../app';
import type { Messenger } from '../core/ports';
import { deliveryStore } from '../store/deliveries';
import { platformRateStore } from '../store/platform-rates';
import { scheduleStore } from '../store/schedule';
import { registerJourneyProducers } from './after-session';
import { startMinuteTick } from './cron';
import type { SenderOptions } from './delivery';
import { type DuePlanner, Scheduler } from './jobs';
import { registerMentorProducers } from './mentor-notices';
import { ProducerRegistry, registerPromptProducers } from './producers';
import { Remover, type RemoverOptions } from './removal';
import { digestPlanner, registerWeeklyProducers } from './weekly';

export { type DuePlanner, Scheduler } from './jobs';
export { type Producer, ProducerRegistry } from './producers';

export interface SchedulerOptions {
  sender?: Partial<SenderOptions>;
  leaseMs?: number;
  /** More kinds ('weekly', 'digest'): registered next to the built-in 'prompt' and 'snooze'. */
  producers?: (registry: ProducerRegistry) => void;
  planners?: DuePlanner[];
  /** The remover the tick drains; default: one over the same messengers. */
  removals?: Remover;
  /** Run the tick once at start too, not only on the minute (the sender's own process). */
  runAtStart?: boolean;
}

/** The removal queue's worker over the app's store, removing through the given platform messengers. */
export function createRemover(
  app: AppContext,
  messengers: Messenger[],
  options: Partial<RemoverOptions> & { sleep?: (ms: number) => Promise<void> } = {},
): Remover {
  const { sleep, ...rest } = options;
  const log = app.log.child({ component: 'removal' });
  return new Remover(messengers, { store: app.removals.store, clock: app.clock, log, sleep }, rest);
}

/** The scheduler over the app's database and core, sending through the given platform messengers. */
export function createScheduler(app: AppContext, messengers: Messenger[], options: SchedulerOptions = {}): Scheduler {
  const producers = registerPromptProducers(new ProducerRegistry(), {
    trellis: app.trellis,
    promptIssues: app.repos.promptIssues,
    commits: app.commits,
  });
  registerWeeklyProducers(producers, { trellis: app.trellis, groups: app.repos.groups });
  registerJourneyProducers(producers, { trellis: app.trellis });
  registerMentorProducers(producers, { trellis: app.trellis });
  options.producers?.(producers);
  return new Scheduler({
    schedule: scheduleStore(app.db),
    deliveries: deliveryStore(app.db),
    coaches: app.repos.coaches,
    producers,
    messengers,
    clock: app.clock,
    log: app.log.child({ component: 'schedule' }),
    catchUpMinutes: app.config.catchUpMinutes,
    sender: options.sender,
    leaseMs: options.leaseMs,
    planners: [digestPlanner(app.repos.groups, app.config.catchUpMinutes), ...(options.planners ?? [])],
    removals: options.removals ?? createRemover(app, messengers),
    rates: platformRateStore(app.db),
    postedItems: app.removals.store,
    commits: app.commits,
  });
}

/** Starts the minute tick; `stop()` ends it and lets the sends in flight finish. */
export function startScheduler(
  app: AppContext,
  messengers: Messenger[],
  options: SchedulerOptions = {},
): { scheduler: Scheduler; stop(): Promise<void> } {
  const scheduler = createScheduler(app, messengers, options);
  const retention = dailyRetention(app);
  const tick = startMinuteTick(
    async () => {
      await scheduler.runDue();
      retention(app.clock.now());
    },
    app.log,
    { now: options.runAtStart },
  );
  app.log.info('scheduler started', { platforms: scheduler.platforms });
  return {
    scheduler,
    async stop() {
      await scheduler.stop();
      await tick.stop();
    },
  };
}

/** Runs retention (TRELLIS_RETENTION_DAYS) once per UTC day, from the minute tick; start-up runs it too. */
export function dailyRetention(app: AppContext): (now: Date) => void {
  let lastDay = app.clock.now().toISOString().slice(0, 10);
  return (now) => {
    const day = now.toISOString().slice(0, 10);
    if (day === lastDay) return;
    try {
      app.trellis.runRetention(now, 'scheduler');
      lastDay = day;
    } catch (error) {
      // A lock another process held, a full disk: logged, and tried again on the next tick, not tomorrow.
      app.log.warn('retention could not run; the next tick tries again', { error });
    }
  };
}
