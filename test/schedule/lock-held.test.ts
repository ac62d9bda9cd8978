import { setTimeout as delay } from 'node:timers/promises';
import { useServingBusyTimeout } from '../../src/store/db';
import { holdLock, type LockHolder } from '../helpers/lock-holder';
import { makeSchedulerHarness } from './harness';

type Harness = Awaited<ReturnType<typeof makeSchedulerHarness>>;

let h: Harness | undefined;
let lock: LockHolder | undefined;
afterEach(async () => {
  await lock?.release();
  lock = undefined;
  await h?.close();
  h = undefined;
});

const COACHES = 12;

/** Coaches due at 09:00 UTC on 2026-11-24, on the serving busy timeout (a few ms), as `npm start` runs. */
async function harness(): Promise<{ x: Harness; channels: string[] }> {
  const x = await makeSchedulerHarness({ start: '2026-11-23T12:00:00Z', sender: { concurrency: 4 } });
  h = x;
  const channels = Array.from({ length: COACHES }, () => x.addCoach({ timeZone: 'UTC' }).channel);
  useServingBusyTimeout(x.db);
  x.clock.set('2026-11-24T09:00:00Z');
  return { x, channels };
}

function expectEachOnce(x: Harness, channels: string[]) {
  for (const channel of channels) expect(x.postsTo(channel)).toHaveLength(1);
  expect(x.totalPosts()).toBe(COACHES);
  expect(x.deliveries.countByStatus()).toEqual({ sent: COACHES });
  expect(x.deliveries.failed(100)).toEqual([]);
}

/**
 * ANOTHER process (the CLI, a shell) holds `BEGIN EXCLUSIVE` while the scheduler runs on the serving busy timeout:
 * its outbox claims and marks fail fast with SQLITE_BUSY. Nothing crashes, nothing is marked failed, and once the
 * lock is released every coach has had their prompt exactly once.
 */
describe('the scheduler while another process holds the database lock', () => {
  it('a lock taken while posts are in flight: the marks wait for it, each prompt goes out once', async () => {
    const { x, channels } = await harness();
    // Slack takes a while over each post, so the lock is taken while some are in flight and their marks are due.
    let taken: Promise<LockHolder> | undefined;
    x.fake.respond(async (call) => {
      if (call.method !== 'chat.postMessage') return undefined;
      taken ??= holdLock(x.file);
      await taken;
      await delay(50);
      return undefined;
    });
    const run = x.scheduler.runDue(x.clock.now());
    lock = await (async () => {
      while (!taken) await delay(5);
      return taken;
    })();
    await delay(1_500);
    expect(lock.holding()).toBe(true);
    // The posts in flight reached Slack, but their marks (and every new claim) wait for the lock: nothing is
    // recorded sent or failed while it is held, and not everything went out under it.
    const postsWhileLocked = x.totalPosts();
    expect(postsWhileLocked).toBeGreaterThan(0);
    expect(postsWhileLocked).toBeLessThan(COACHES);
    expect(x.deliveries.countByStatus()).not.toHaveProperty('sent');
    expect(x.deliveries.countByStatus()).not.toHaveProperty('failed');
    await lock.release();
    const summary = await run;
    expect(summary.sent.slack?.failed).toBe(0);
    // Whatever this run could not finish, the next tick does (nothing is left claimed for a lease to expire).
    await x.scheduler.runDue(x.clock.now());
    expectEachOnce(x, channels);
  }, 30_000);

  it('a lock held over a whole tick: the tick logs and sends nothing, the next one sends each prompt once', async () => {
    const { x, channels } = await harness();
    lock = await holdLock(x.file);
    const summary = await x.scheduler.runDue(x.clock.now());
    expect(x.totalPosts()).toBe(0);
    expect(summary.sent.slack?.failed ?? 0).toBe(0);
    expect(x.logLines.some((l) => /database locked by another process/.test(l))).toBe(true);
    await lock.release();
    lock = undefined;
    x.clock.set('2026-11-24T09:01:00Z');
    await x.scheduler.runDue(x.clock.now());
    expectEachOnce(x, channels);
  }, 30_000);
});
