import { makeSchedulerHarness } from './harness';

type Harness = Awaited<ReturnType<typeof makeSchedulerHarness>>;

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('planning alongside the sends', () => {
  test('the first DM goes out before the whole plan is written, and every planned DM goes out in the same tick', async () => {
    h = await makeSchedulerHarness({ start: '2026-11-23T12:00:00Z' });
    const x = h;
    const coaches = Array.from({ length: 240 }, () => x.addCoach({ timeZone: 'UTC' }));
    /** Outbox rows written when each post reached the fake (the fake answers on the sender's event loop). */
    const rowsAtPost: number[] = [];
    x.fake.respond((call) => {
      if (call.method === 'chat.postMessage') {
        const counts = x.deliveries.countByStatus();
        rowsAtPost.push(Object.values(counts).reduce((n, c) => n + (c ?? 0), 0));
      }
      return undefined;
    });
    x.clock.set('2026-11-24T09:00:00Z');
    const summary = await x.scheduler.runDue(x.clock.now());
    expect(summary.coaches).toBe(240);
    expect(summary.enqueued).toBe(240);
    expect(summary.sent.slack?.sent).toBe(240);
    for (const c of coaches) expect(x.postsTo(c.channel)).toHaveLength(1);
    expect(rowsAtPost[0]).toBeLessThan(240);
    expect(x.deliveries.openCount()).toBe(0);
  });

  test('a sender that finds the outbox empty while the plan goes on still sends the rest in the same tick', async () => {
    h = await makeSchedulerHarness({ start: '2026-11-23T12:00:00Z' });
    const x = h;
    // Planned first (earliest due) and missed (four hours late, past the 3-hour catch-up window): the first steps
    // write no rows, so the sender starts on an empty outbox and is done before the sendable coaches are planned.
    for (let i = 0; i < 60; i++) x.addCoach({ timeZone: 'UTC', promptTime: '05:00' });
    const coaches = Array.from({ length: 40 }, () => x.addCoach({ timeZone: 'UTC' }));
    x.clock.set('2026-11-24T09:00:00Z');
    const summary = await x.scheduler.runDue(x.clock.now());
    expect(summary.missed).toBe(60);
    expect(summary.sent.slack?.sent).toBe(40);
    for (const c of coaches) expect(x.postsTo(c.channel)).toHaveLength(1);
    expect(x.deliveries.openCount()).toBe(0);
  });
});
