import { ErrorCode } from '@slack/web-api';
import { DeliveryError } from '../../core/errors';

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** How long Slack asked us to wait, when `error` is a rate limit (429 + Retry-After). */
export function retryAfterMs(error: unknown): number | undefined {
  if (error instanceof DeliveryError) return error.kind === 'rate_limited' ? (error.retryAfterMs ?? 1000) : undefined;
  const e = error as { code?: string; retryAfter?: number };
  if (e?.code === ErrorCode.RateLimitedError) return (e.retryAfter ?? 1) * 1000;
  return undefined;
}

/**
 * Runs a Web API call, waiting out 429s as long as the whole wait stays within `budgetMs`
 * (a modal's trigger id lives 3 s, a DM can wait longer). Other errors, and a longer wait, are thrown.
 */
export async function withRateLimitRetry<T>(
  call: () => Promise<T>,
  options: { budgetMs: number; sleep?: Sleep; attempts?: number },
): Promise<T> {
  const sleep = options.sleep ?? realSleep;
  let waited = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const wait = retryAfterMs(error);
      if (wait === undefined || waited + wait > options.budgetMs || attempt >= (options.attempts ?? 5)) throw error;
      waited += wait;
      await sleep(wait);
    }
  }
}
