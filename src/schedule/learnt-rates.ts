import type { Platform } from '../core/model';
import type { Clock, Logger } from '../core/ports';
import type { PlatformRateStore } from '../store/platform-rates';
import type { RateLimiterOptions } from './rate-limiter';

/**
 * A platform sender's limiter options: starting from the rate an earlier run learnt (kept in the database), and
 * keeping each newly learnt one. Options the caller gives (`sender.limiter`) win. A failed save is logged and the
 * send goes on: the rate is an optimisation, and the next run would only ramp up again.
 */
export function limiterOptions(
  deps: { rates?: PlatformRateStore; clock: Clock; log: Logger; sender?: { limiter?: RateLimiterOptions } },
  platform: Platform,
): RateLimiterOptions {
  const { rates } = deps;
  if (!rates) return { ...deps.sender?.limiter };
  let learnt: RateLimiterOptions['learnt'];
  try {
    learnt = rates.load(platform);
  } catch (error) {
    deps.log.warn('could not read the learnt send rate', { platform, error });
  }
  return {
    ...(learnt ? { learnt } : {}),
    onLearnt: (rate) => {
      try {
        rates.save(platform, rate, deps.clock.now().toISOString());
      } catch (error) {
        deps.log.warn('could not keep the learnt send rate', { platform, error });
      }
    },
    ...deps.sender?.limiter,
  };
}
