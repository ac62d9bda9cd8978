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

test('doubles every 50 ms until the first 429, then settles below what was accepted', async () => {
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

/**
 * A platform counting sends per one-second window (opened by the first send after the last one ended), answering
 * 429 + the seconds left in the window beyond `limit()`, as the fake Slack API does. Drives `count` sends through
 * the limiter on the simulated clock and returns the time taken and the 429s answered.
 */
async function sendThrough(
  s: ReturnType<typeof simulated>,
  count: number,
  limit: () => number,
  { until429 = false, lateEvery = 0 } = {},
) {
  let windowStart = Number.NEGATIVE_INFINITY;
  let inWindow = 0;
  let rateLimited = 0;
  const started = s.now();
  for (let sent = 0; sent < count; ) {
    await s.limiter.acquire();
    // Jitter: every `lateEvery`th send reaches the platform 40 ms late, which can open its window late.
    const t = s.now() + (lateEvery && sent % lateEvery === lateEvery - 1 ? 40 : 0);
    if (t - windowStart >= 1000) {
      windowStart = t;
      inWindow = 0;
    }
    if (inWindow < limit()) {
      inWindow++;
      sent++;
      s.limiter.onSuccess();
    } else {
      rateLimited++;
      s.limiter.onRateLimited(Math.ceil((1000 - (t - windowStart)) / 1000) * 1000);
      if (until429) break;
    }
  }
  return { ms: s.now() - started, rateLimited };
}

test('learns a fixed-window limit in two 429s and then sends within 5% of the bound', async () => {
  const s = simulated(20);
  const first = await sendThrough(s, 1_000, () => 100);
  expect(first.rateLimited).toBeLessThanOrEqual(2);
  expect(s.limiter.margin).toBeCloseTo(0.02);
  expect(s.limiter.rate).toBeCloseTo(98);
  // From then on no 429 (the pace probes 1% up every 30 s, still under the limit).
  const rest = await sendThrough(s, 5_000, () => 100);
  expect(rest.rateLimited).toBe(0);
  expect(first.ms + rest.ms).toBeLessThan(60_000 * 1.05);
});

test('the pace restarts at the end of a pause without a burst', async () => {
  const s = simulated(100);
  await sendThrough(s, 5, () => 100);
  s.limiter.onRateLimited(1_000);
  const starts: number[] = [];
  for (let i = 0; i < 3; i++) {
    await s.limiter.acquire();
    starts.push(s.now());
  }
  const gap = 1000 / s.limiter.rate;
  expect(starts[0]).toBe(s.limiter.pauseEnds);
  expect(starts[1] - starts[0]).toBeCloseTo(gap);
  expect(starts[2] - starts[1]).toBeCloseTo(gap);
});

test('429s at the settled pace (jitter) widen the margin, at most to 10%; a quiet minute narrows it again', async () => {
  const s = simulated(20);
  await sendThrough(s, 1_000, () => 100);
  expect(s.limiter.margin).toBeCloseTo(0.02);
  // Sends arriving 40 ms late now and then push a few more into one of the platform's windows: 429s at the
  // settled pace. The margin widens until the pace absorbs it, and the 429s stop.
  const jittery = await sendThrough(s, 2_000, () => 100, { lateEvery: 7 });
  expect(jittery.rateLimited).toBeGreaterThan(0);
  expect(jittery.rateLimited).toBeLessThanOrEqual(3);
  expect(s.limiter.margin).toBeGreaterThanOrEqual(0.04);
  expect((await sendThrough(s, 2_000, () => 100, { lateEvery: 7 })).rateLimited).toBe(0);
  // The limit is not ratcheted down by jitter: the pace is the margin under the same limit.
  expect(s.limiter.rate).toBeGreaterThanOrEqual(100 * (1 - s.limiter.margin) - 1);
  // Whatever the jitter, the margin stays at most 10%.
  await sendThrough(s, 2_000, () => 100, { lateEvery: 3 });
  expect(s.limiter.margin).toBeLessThanOrEqual(0.1);
  // A minute and more without a 429: one step narrower, and the pace rises with it.
  const rate = s.limiter.rate;
  await sendThrough(s, Math.ceil(rate * 61), () => 1_000);
  expect(s.limiter.margin).toBeLessThan(0.1);
  expect(s.limiter.rate).toBeGreaterThan(rate);
});

test('a 429 after probing above the margin re-measures the limit without widening the margin', async () => {
  const s = simulated(20);
  await sendThrough(s, 1_000, () => 100);
  const settled = s.limiter.rate;
  // Half a minute at the settled pace, then one probe of +1%, which the platform still takes.
  await sendThrough(s, Math.ceil(settled * 31), () => 100);
  expect(s.limiter.rate).toBeCloseTo(settled * 1.01);
  // The platform's limit drops under the probed pace: the first 429 is the probe's, not jitter: same margin.
  await sendThrough(s, 1_000, () => 90, { until429: true });
  expect(s.limiter.margin).toBeCloseTo(0.02);
  // Counted over a sliding second, the new limit may still be high: one more 429 at most corrects it.
  expect((await sendThrough(s, 1_000, () => 90)).rateLimited).toBeLessThanOrEqual(1);
  expect((await sendThrough(s, 1_000, () => 90)).rateLimited).toBe(0);
  expect(s.limiter.rate).toBeLessThanOrEqual(90);
});

test('probes that find the same limit again come ever less often (each costs a Retry-After)', async () => {
  const s = simulated(20);
  await sendThrough(s, 1_000, () => 100);
  // Ten minutes at a limit that never rises: probing every 30 s would hit it every 90 s or so (three +1% steps).
  const tenMinutes = await sendThrough(s, 60_000, () => 100);
  expect(tenMinutes.rateLimited).toBeGreaterThanOrEqual(1);
  expect(tenMinutes.rateLimited).toBeLessThanOrEqual(3);
  expect(tenMinutes.ms).toBeLessThan(600_000 * 1.03);
  // A limit that rose is still found: the next probe goes above the old limit without a 429.
  await sendThrough(s, 200_000, () => 120);
  expect(s.limiter.rate).toBeGreaterThan(100);
});

test('tryAcquire takes a slot only within its wait, and reserves nothing when it declines', async () => {
  const s = simulated(1);
  expect(await s.limiter.tryAcquire(500)).toBe(true);
  expect(s.now()).toBe(0);
  // The next slot is 1 s away: declined at 500 ms, nothing booked, so the wait does not grow.
  expect(s.limiter.waitMs()).toBe(1_000);
  expect(await s.limiter.tryAcquire(500)).toBe(false);
  expect(s.limiter.waitMs()).toBe(1_000);
  expect(await s.limiter.tryAcquire(1_000)).toBe(true);
  expect(s.now()).toBe(1_000);
  // A 429's pause counts as a wait too.
  s.limiter.onRateLimited(30_000);
  expect(s.limiter.waitMs()).toBe(30_000);
  expect(await s.limiter.tryAcquire(5_000)).toBe(false);
});

describe('the learnt rate, kept across restarts', () => {
  test('a limiter given what an earlier run learnt starts at that pace, without the ramp', async () => {
    let now = 0;
    const limiter = new AdaptiveRateLimiter({
      initialRate: 20,
      learnt: { limit: 400, margin: 0.04 },
      now: () => now,
      sleep: async (ms) => {
        now += ms;
      },
    });
    expect(limiter.rate).toBeCloseTo(384);
    expect(limiter.margin).toBeCloseTo(0.04);
    for (let i = 0; i < 200; i++) {
      await limiter.acquire();
      limiter.onSuccess();
    }
    // No doubling: the pace stays under the learnt limit (a probe a minute would add 1%).
    expect(limiter.rate).toBeCloseTo(384);
    expect(now).toBeGreaterThan(500);
  });

  test('is saved on every 429 and read back by the next sender of the same database', async () => {
    const { openDatabase } = await import('../../src/store');
    const { platformRateStore } = await import('../../src/store/platform-rates');
    const { limiterOptions } = await import('../../src/schedule/learnt-rates');
    const { createLogger } = await import('../../src/log');
    const { tempDbFile } = await import('../helpers/temp-db');
    const t = tempDbFile();
    try {
      let now = 0;
      const clock = { now: () => new Date(1_700_000_000_000 + now) };
      const deps = () => ({ rates: platformRateStore(openDatabase(t.file)), clock, log: createLogger('silent') });
      const first = new AdaptiveRateLimiter({
        ...limiterOptions(deps(), 'slack'),
        initialRate: 20,
        now: () => now,
        sleep: async (ms) => {
          now += ms;
        },
      });
      for (let i = 0; i < 60; i++) {
        await first.acquire();
        first.onSuccess();
      }
      first.onRateLimited(1_000);
      const learnt = first.rate;
      expect(learnt).toBeGreaterThan(20);
      // A new process: a fresh connection, a fresh limiter.
      const again = new AdaptiveRateLimiter(limiterOptions(deps(), 'slack'));
      expect(again.rate).toBeCloseTo(learnt);
      expect(new AdaptiveRateLimiter(limiterOptions(deps(), 'teams')).rate).toBe(50);
    } finally {
      t.cleanup();
    }
  });
});
