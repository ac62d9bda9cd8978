import { systemClock } from '../../src/core/ports';
import { makeSchedulerHarness } from './harness';

type Harness = Awaited<ReturnType<typeof makeSchedulerHarness>>;

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/**
 * Coaches whose prompt fell due five minutes ago by the real clock (the scheduler runs on it here, to wait out
 * a real Retry-After): they are registered as if ten minutes ago, when that prompt was still ahead.
 */
function dueNow(x: Harness, count: number) {
  const promptTime = new Date(Date.now() - 5 * 60_000).toISOString().slice(11, 16);
  x.clock.set(new Date(Date.now() - 10 * 60_000));
  const coaches = Array.from({ length: count }, () =>
    x.addCoach({ timeZone: 'UTC', promptTime, promptDays: [1, 2, 3, 4, 5, 6, 7] }),
  );
  x.clock.set(new Date());
  return coaches;
}

test('429 + Retry-After: the platform waits it out (every coach, not only the one), then each gets one prompt', async () => {
  const x = await makeSchedulerHarness({
    start: new Date().toISOString(),
    clock: systemClock,
    sender: { concurrency: 1 },
  });
  h = x;
  const coaches = dueNow(x, 6);
  let limitedAt = 0;
  x.fake.respond((call) => {
    if (call.method !== 'chat.postMessage' || limitedAt) return undefined;
    limitedAt = Date.now();
    return { status: 429, headers: { 'retry-after': '1' }, json: { ok: false, error: 'ratelimited' } };
  });
  const summary = await x.scheduler.runDue();
  expect(summary.sent.slack).toMatchObject({ sent: 6, retried: 1 });
  for (const c of coaches) expect(x.postsTo(c.channel)).toHaveLength(1);
  const posts = x.fake.callsTo('chat.postMessage');
  expect(posts).toHaveLength(6);
  // Nothing went out during the second Slack asked for: the whole platform paused, not just that coach.
  for (const p of posts) expect(p.at - limitedAt).toBeGreaterThanOrEqual(990);
});

test('a 5xx is retried with backoff; before the retry Slack is asked whether the first try landed', async () => {
  const x = await makeSchedulerHarness({ start: '2026-11-23T12:00:00Z' });
  h = x;
  const a = x.addCoach({ timeZone: 'UTC' });
  const b = x.addCoach({ timeZone: 'UTC' });
  x.fake.respondOnce('chat.postMessage', { status: 500, json: { ok: false } });
  x.clock.set('2026-11-24T09:00:00Z');
  const first = await x.scheduler.runDue(x.clock.now());
  expect(first.sent.slack).toMatchObject({ sent: 1, retried: 1 });
  expect(x.totalPosts()).toBe(1); // one coach's failure did not hold the other up
  expect(x.logLines.some((l) => l.includes('will retry'))).toBe(true);

  // Not before the backoff has passed.
  await x.scheduler.runDue(x.clock.now());
  expect(x.totalPosts()).toBe(1);
  x.clock.advanceMinutes(1);
  await x.scheduler.runDue(x.clock.now());
  expect(x.postsTo(a.channel)).toHaveLength(1);
  expect(x.postsTo(b.channel)).toHaveLength(1);
  expect(x.fake.callsTo('conversations.history')).toHaveLength(1);
});

test('sends that keep failing are retried through the catch-up window with capped backoff, then expire with a reason', async () => {
  const x = await makeSchedulerHarness({
    start: '2026-11-23T12:00:00Z',
    catchUpMinutes: 60,
    sender: { backoffBaseMs: 60_000, backoffMaxMs: 5 * 60_000, settleMs: 0 },
  });
  h = x;
  const broken = x.addCoach({ timeZone: 'UTC' });
  const fine = x.addCoach({ timeZone: 'UTC' });
  const tries: string[] = [];
  x.fake.respond((call) => {
    if (call.method !== 'chat.postMessage' || call.body.channel !== broken.channel) return undefined;
    tries.push(x.clock.now().toISOString());
    return { status: 503, json: { ok: false } };
  });
  await x.tickEveryMinute('2026-11-24T09:00:00Z', '2026-11-24T09:59:00Z');
  expect(x.postsTo(fine.channel)).toHaveLength(1);
  // Far more than the old five tries, none of them marking the row failed inside the window...
  expect(tries.length).toBeGreaterThan(5);
  expect(x.deliveries.countByStatus()).toEqual({ sent: 1, pending: 1 });
  // ...and the gaps stop growing at the cap (5 min, with jitter up to 1.5x).
  const gaps = tries.slice(1).map((t, i) => Date.parse(t) - Date.parse(tries[i]));
  expect(Math.max(...gaps)).toBeLessThanOrEqual(7.5 * 60_000 + 60_000);
  expect(x.schedule.isUnreachable(broken.coach.id)).toBe(false);

  await x.tickEveryMinute('2026-11-24T10:00:00Z', '2026-11-24T10:10:00Z');
  const row = x.deliveries.byKey(`coach:${broken.coach.id}`, 'prompt', '2026-11-24');
  expect(row).toMatchObject({ status: 'failed', inDoubt: false });
  expect(row?.error).toMatch(
    /^expired: past its catch-up window \(60 min after its due time\): not delivered, last error: /,
  );
  expect(x.logLines.some((l) => l.includes('delivery expired'))).toBe(true);
  const triesAtExpiry = tries.length;
  await x.tickEveryMinute('2026-11-24T10:11:00Z', '2026-11-24T12:00:00Z', 10);
  expect(tries).toHaveLength(triesAtExpiry);
  expect(x.postsTo(broken.channel)).toHaveLength(0);
});

test.each([
  ['invalid_auth', 'refused'],
  ['token_revoked', 'refused'],
  ['channel_not_found', 'unreachable'],
])('a permanent answer (%s) fails the delivery at once, with its reason', async (error, kind) => {
  const x = await makeSchedulerHarness({ start: '2026-11-23T12:00:00Z' });
  h = x;
  const coach = x.addCoach({ timeZone: 'UTC' });
  x.fake.respond((call) => (call.method === 'chat.postMessage' ? { json: { ok: false, error } } : undefined));
  await x.tickEveryMinute('2026-11-24T09:00:00Z', '2026-11-24T09:10:00Z');
  const row = x.deliveries.byKey(`coach:${coach.coach.id}`, 'prompt', '2026-11-24');
  expect(row).toMatchObject({ status: 'failed', attempts: 1, error: `${kind}: Slack error: ${error}` });
  // A refusal of the bot's token says nothing about the coach: they are not silenced.
  expect(x.schedule.isUnreachable(coach.coach.id)).toBe(kind === 'unreachable');
  expect(x.fake.callsTo('chat.postMessage')).toHaveLength(1);
});

test.each(['user_not_found', 'cannot_dm_bot'])(
  'a coach Slack cannot reach (%s) is marked, logged and skipped, until they write again',
  async (error) => {
    const x = await makeSchedulerHarness({ start: '2026-11-23T12:00:00Z' });
    h = x;
    const gone = x.addCoach({ timeZone: 'UTC' });
    const others = [x.addCoach({ timeZone: 'UTC' }), x.addCoach({ timeZone: 'UTC' })];
    let blocked = true;
    x.fake.respond((call) =>
      blocked && call.method === 'chat.postMessage' && call.body.channel === gone.channel
        ? { json: { ok: false, error } }
        : undefined,
    );
    await x.tickEveryMinute('2026-11-24T09:00:00Z', '2026-11-24T09:05:00Z');
    for (const c of others) expect(x.postsTo(c.channel)).toHaveLength(1);
    expect(x.schedule.isUnreachable(gone.coach.id)).toBe(true);
    const line = x.logLines.find((l) => l.includes('recipient unreachable'));
    expect(line).toContain(`"coach":${gone.coach.id}`);
    expect(line).toContain(error);

    // The next day: no attempt at all.
    const attemptsBefore = x.fake.calls.filter((c) => c.body.channel === gone.channel).length;
    await x.tickEveryMinute('2026-11-25T09:00:00Z', '2026-11-25T09:05:00Z');
    expect(x.fake.calls.filter((c) => c.body.channel === gone.channel)).toHaveLength(attemptsBefore);
    for (const c of others) expect(x.postsTo(c.channel)).toHaveLength(2);

    // They unblock the bot and write to it: prompts resume.
    blocked = false;
    x.trellis.coach(gone.ref);
    expect(x.schedule.isUnreachable(gone.coach.id)).toBe(false);
    await x.tickEveryMinute('2026-11-26T09:00:00Z', '2026-11-26T09:00:00Z');
    expect(x.postsTo(gone.channel)).toHaveLength(1);
  },
);

test('one slow coach does not hold up the others', async () => {
  const x = await makeSchedulerHarness({
    start: new Date().toISOString(),
    clock: systemClock,
    sender: { concurrency: 4 },
  });
  h = x;
  const [slow, ...rest] = dueNow(x, 12);
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  x.fake.respond(async (call) => {
    if (call.method === 'chat.postMessage' && call.body.channel === slow.channel) await released;
    return undefined;
  });
  const run = x.scheduler.runDue();
  // Every other coach is served while the slow one hangs.
  const deadline = Date.now() + 5_000;
  while (rest.some((c) => x.postsTo(c.channel).length === 0) && Date.now() < deadline) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  for (const c of rest) expect(x.postsTo(c.channel)).toHaveLength(1);
  expect(x.postsTo(slow.channel)).toHaveLength(0);
  release();
  await run;
  expect(x.postsTo(slow.channel)).toHaveLength(1);
});

test('shutdown does not wait out a long Retry-After: in-flight sends finish, the rest stays queued', async () => {
  const x = await makeSchedulerHarness({
    start: new Date().toISOString(),
    clock: systemClock,
    sender: { concurrency: 2 },
  });
  h = x;
  const coaches = dueNow(x, 4);
  let limited = 0;
  x.fake.respond((call) => {
    if (call.method !== 'chat.postMessage' || limited) return undefined;
    limited = Date.now();
    return { status: 429, headers: { 'retry-after': '30' }, json: { ok: false, error: 'ratelimited' } };
  });
  const run = x.scheduler.runDue();
  const deadline = Date.now() + 5_000;
  while (!limited && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(limited).toBeGreaterThan(0);
  const stopping = Date.now();
  await x.scheduler.stop();
  await run;
  expect(Date.now() - stopping).toBeLessThan(5_000);
  const sentNow = coaches.filter((c) => x.postsTo(c.channel).length === 1).length;
  expect(sentNow).toBeLessThan(4);
  // Nothing was lost: what was not sent is still in the outbox for the next start.
  expect(x.deliveries.openCount()).toBe(4 - sentNow);
  expect(x.deliveries.countByStatus().sending ?? 0).toBe(0);
});
