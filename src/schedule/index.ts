import type { AppContext } from '../app';
import type { Messenger } from '../core/ports';
import { deliveryStore } from '../store/deliveries';
import { scheduleStore } from '../store/schedule';
import { startMinuteTick } from './cron';
import type { SenderOptions } from './delivery';
import { type DuePlanner, Scheduler } from './jobs';
import { ProducerRegistry, registerPromptProducers } from './producers';

export { type DuePlanner, Scheduler } from './jobs';
export { type Producer, ProducerRegistry } from './producers';

export interface SchedulerOptions {
  sender?: Partial<SenderOptions>;
  leaseMs?: number;
  /** More kinds ('weekly', 'digest'): registered next to the built-in 'prompt' and 'snooze'. */
  producers?: (registry: ProducerRegistry) => void;
  planners?: DuePlanner[];
}

/** The scheduler over the app's database and core, sending through the given platform messengers. */
export function createScheduler(app: AppContext, messengers: Messenger[], options: SchedulerOptions = {}): Scheduler {
  const producers = registerPromptProducers(new ProducerRegistry(), {
    trellis: app.trellis,
    promptIssues: app.repos.promptIssues,
  });
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
    planners: options.planners,
  });
}

/** Starts the minute tick; `stop()` ends it and lets the sends in flight finish. */
export function startScheduler(
  app: AppContext,
  messengers: Messenger[],
  options: SchedulerOptions = {},
): { scheduler: Scheduler; stop(): Promise<void> } {
  const scheduler = createScheduler(app, messengers, options);
  const tick = startMinuteTick(() => scheduler.runDue(), app.log);
  app.log.info('scheduler started', { platforms: scheduler.platforms });
  return {
    scheduler,
    async stop() {
      await scheduler.stop();
      await tick.stop();
    },
  };
}
