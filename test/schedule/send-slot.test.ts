import { makeSchedulerHarness } from './harness';

type Harness = Awaited<ReturnType<typeof makeSchedulerHarness>>;

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Two sends a second, three workers: the second and third DMs wait for their slot with their row claimed. */
async function slowPace() {
  h = await makeSchedulerHarness({
    start: '2026-11-23T12:00:00Z',
    sender: { concurrency: 3, limiter: { initialRate: 2, maxRate: 2 } },
  });
  const x = h;
  const coaches = Array.from({ length: 3 }, () => x.addCoach({ timeZone: 'UTC' }));
  x.clock.set('2026-11-24T09:00:00Z');
  return { x, coaches };
}

describe('the send slot is taken right before the post', () => {
  test('conversations.open comes before the wait for a slot; a row waiting for its slot is claimed, not posting', async () => {
    const { x, coaches } = await slowPace();
    /** The stages of the outbox rows when each post reached the fake. */
    const stagesAtPost: string[][] = [];
    x.fake.respond((call) => {
      if (call.method === 'chat.postMessage') {
        stagesAtPost.push(
          coaches.map((c) => String(x.deliveries.byKey(`coach:${c.coach.id}`, 'prompt', '2026-11-24')?.stage)),
        );
      }
      return undefined;
    });
    const summary = await x.scheduler.runDue(x.clock.now());
    expect(summary.sent.slack?.sent).toBe(3);
    const methods = x.fake.calls.map((c) => c.method);
    // Every DM opened before the second post (half a second after the first): the waits are for the posts only.
    const secondPost = methods.indexOf('chat.postMessage', methods.indexOf('chat.postMessage') + 1);
    expect(methods.lastIndexOf('conversations.open')).toBeLessThan(secondPost);
    expect(methods.filter((m) => m === 'conversations.open')).toHaveLength(3);
    // At the first post, one row is posting and two wait for their slots, claimed: a crash there leaves them to
    // be sent again without asking the platform (nothing of theirs was posted).
    expect([...stagesAtPost[0]].sort()).toEqual(['claimed', 'claimed', 'posting']);
  });

  test('a sender stopped while rows wait for their slot puts them back as they were, not as a try', async () => {
    const { x, coaches } = await slowPace();
    let stopped: Promise<void> | undefined;
    x.fake.respond((call) => {
      if (call.method === 'chat.postMessage' && !stopped) stopped = x.scheduler.stop();
      return undefined;
    });
    await x.scheduler.runDue(x.clock.now());
    await stopped;
    expect(x.fake.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(1);
    const rows = coaches.map((c) => x.deliveries.byKey(`coach:${c.coach.id}`, 'prompt', '2026-11-24'));
    expect(rows.map((r) => r?.status).sort()).toEqual(['pending', 'pending', 'sent']);
    for (const row of rows.filter((r) => r?.status === 'pending')) {
      expect(row?.attempts).toBe(0);
      expect(row?.uncertain).toBe(false);
    }
  });
});
