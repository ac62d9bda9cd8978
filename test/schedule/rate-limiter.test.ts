import { AdaptiveRateLimiter } from '../../src/schedule/rate-limiter';

/** A limiter on a simulated clock: sleeping moves the clock, so pacing is exact and instant to test. */
function simulated(initialRate: number) {
  let now = 0;
  const limiter = new AdaptiveRateLimiter({
    initialRate,
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
  });
  return { limiter, now: () => now, advance: (ms: number) => (now += ms) };
}

test('paces sends evenly at its rate', async () => {
  const s = simulated(10);
  const starts: number[] = [];
  for (let i = 0; i < 5; i++) {
    await s.limiter.acquire();
    starts.push(s.now());
  }
  // Each send is 100 ms after the previous one (10 a second); the first goes at once.
  expect(starts).toEqual([0, 100, 200, 300, 400]);
});

test('doubles every quarter second until the first 429, then settles below what was accepted', async () => {
  const s = simulated(20);
  for (let i = 0; i < 40; i++) {
    await s.limiter.acquire();
    s.limiter.onSuccess();
  }
  expect(s.limiter.rate).toBeGreaterThan(20);
  // The platform says: too many, wait 2 s.
  const accepted = s.limiter.rate;
  s.limiter.onRateLimited(2_000);
  expect(s.limiter.rate).toBeLessThan(accepted);
  expect(s.limiter.pauseEnds).toBe(s.now() + 2_000);
  // Other requests answering 429 in the same pause do not lower it again.
  const settled = s.limiter.rate;
  s.limiter.onRateLimited(2_000);
  expect(s.limiter.rate).toBe(settled);
});

test('everyone waits for the Retry-After', async () => {
  const s = simulated(100);
  await s.limiter.acquire();
  s.limiter.onRateLimited(1_500);
  const before = s.now();
  await s.limiter.acquire();
  expect(s.now() - before).toBeGreaterThanOrEqual(1_500);
});

test('a cancelled wait returns at once', async () => {
  const now = 0;
  const limiter = new AdaptiveRateLimiter({ initialRate: 1, now: () => now, sleep: async () => undefined });
  limiter.onRateLimited(60_000);
  await limiter.acquire(() => true);
  expect(now).toBe(0);
});
