import cron from 'node-cron';
import type { Logger } from '../core/ports';

export interface CronTick {
  /** Stops the minute tick and waits for the run in progress, if any, to finish. */
  stop(): Promise<void>;
}

/**
 * The node-cron wiring and nothing else: `run` once a minute, on the minute, in UTC. Local times are the
 * scheduler's business (Intl); scheduling in UTC keeps cron's own time-zone handling out of it. Runs never
 * overlap: a minute whose tick is still sending is skipped, and the next tick picks up what is left.
 */
export function startMinuteTick(
  run: () => Promise<unknown>,
  log: Logger,
  /** Also run once now (the sender's own process: a restarted sender picks up at once, not at the next minute). */
  options: { now?: boolean } = {},
): CronTick {
  let current: Promise<unknown> | undefined;
  const tick = () => {
    if (current) return;
    current = run()
      .catch((error: unknown) => log.error('scheduler tick failed', { error }))
      .finally(() => {
        current = undefined;
      });
    return current;
  };
  const task = cron.schedule('* * * * *', tick, { timezone: 'UTC', name: 'trellis-due', noOverlap: true });
  if (options.now) void tick();
  return {
    async stop() {
      await task.stop();
      await current;
    },
  };
}
