import type { Weekday } from '../../src/core/model';
import { makeSchedulerHarness } from './harness';

type Harness = Awaited<ReturnType<typeof makeSchedulerHarness>>;
const ALL_DAYS: Weekday[] = [1, 2, 3, 4, 5, 6, 7];

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function harness(start: string, catchUpMinutes?: number) {
  h = await makeSchedulerHarness({ start, catchUpMinutes });
  return h;
}

const timesFor = (x: Harness, channel: string) => x.postTimes.filter((p) => p.channel === channel).map((p) => p.at);

describe('daylight saving and odd offsets: one prompt per local day, at the right instant', () => {
  test('America/New_York spring forward: 02:30 goes out once, at 03:00 EDT', async () => {
    const x = await harness('2026-03-07T12:00:00Z');
    const c = x.addCoach({ promptTime: '02:30', promptDays: ALL_DAYS, timeZone: 'America/New_York' });
    await x.tickEveryMinute('2026-03-08T05:00:00Z', '2026-03-08T09:00:00Z');
    expect(timesFor(x, c.channel)).toEqual(['2026-03-08T07:00:00.000Z']);
    // The next day is back to 02:30 local (06:30Z in EDT).
    await x.tickEveryMinute('2026-03-09T06:00:00Z', '2026-03-09T07:00:00Z');
    expect(timesFor(x, c.channel)).toEqual(['2026-03-08T07:00:00.000Z', '2026-03-09T06:30:00.000Z']);
  });

  test('America/New_York fall back: 01:30 happens twice on the clock, the prompt once', async () => {
    const x = await harness('2026-10-31T12:00:00Z');
    const c = x.addCoach({ promptTime: '01:30', promptDays: ALL_DAYS, timeZone: 'America/New_York' });
    await x.tickEveryMinute('2026-11-01T04:00:00Z', '2026-11-01T08:00:00Z');
    expect(timesFor(x, c.channel)).toEqual(['2026-11-01T05:30:00.000Z']);
  });

  test('Europe/London: 01:30 on the spring day goes at 02:00 BST; on the autumn day once', async () => {
    const x = await harness('2026-03-28T12:00:00Z');
    const c = x.addCoach({ promptTime: '01:30', promptDays: ALL_DAYS, timeZone: 'Europe/London' });
    await x.tickEveryMinute('2026-03-29T00:00:00Z', '2026-03-29T03:00:00Z');
    expect(timesFor(x, c.channel)).toEqual(['2026-03-29T01:00:00.000Z']);
    x.clock.set('2026-10-24T12:00:00Z');
    const d = x.addCoach({ promptTime: '01:30', promptDays: ALL_DAYS, timeZone: 'Europe/London' });
    await x.tickEveryMinute('2026-10-24T23:30:00Z', '2026-10-25T03:00:00Z');
    expect(timesFor(x, d.channel)).toEqual(['2026-10-25T00:30:00.000Z']);
  });

  test('Australia/Lord_Howe: a 30-minute jump forward and a 30-minute repeat', async () => {
    const x = await harness('2026-10-03T00:00:00Z');
    const c = x.addCoach({ promptTime: '02:15', promptDays: ALL_DAYS, timeZone: 'Australia/Lord_Howe' });
    // 02:00 +10:30 becomes 02:30 +11:00 at 15:30Z on 3 October; 02:15 does not exist that night.
    await x.tickEveryMinute('2026-10-03T15:00:00Z', '2026-10-03T16:30:00Z');
    expect(timesFor(x, c.channel)).toEqual(['2026-10-03T15:30:00.000Z']);

    x.clock.set('2026-04-04T00:00:00Z');
    const d = x.addCoach({ promptTime: '01:45', promptDays: ALL_DAYS, timeZone: 'Australia/Lord_Howe' });
    // 02:00 +11:00 becomes 01:30 +10:30 at 15:00Z on 4 April: 01:45 happens at 14:45Z and again at 15:15Z.
    await x.tickEveryMinute('2026-04-04T14:00:00Z', '2026-04-04T16:00:00Z');
    expect(timesFor(x, d.channel)).toEqual(['2026-04-04T14:45:00.000Z']);
  });

  test('Asia/Kathmandu (+05:45): 09:00 is 03:15Z, not a minute before', async () => {
    const x = await harness('2026-11-23T12:00:00Z');
    const c = x.addCoach({ timeZone: 'Asia/Kathmandu' });
    await x.tickEveryMinute('2026-11-24T03:00:00Z', '2026-11-24T03:30:00Z');
    expect(timesFor(x, c.channel)).toEqual(['2026-11-24T03:15:00.000Z']);
    const posted = x.postsTo(c.channel)[0];
    expect(JSON.stringify(posted.blocks)).toContain('"action_id":"reflect"');
    expect(posted.metadata).toEqual({
      event_type: 'trellis_delivery',
      event_payload: { key: `prompt:coach:${c.coach.id}:2026-11-24` },
    });
  });
});

describe('catch-up window, pause, days, moving zone', () => {
  test("down at 09:00 and back at 11:00: today's prompt still goes out; yesterday's does not", async () => {
    const x = await harness('2026-11-23T12:00:00Z');
    const c = x.addCoach({ timeZone: 'Europe/London' });
    // Nothing runs on Tuesday between 08:00 and 11:00.
    await x.tickEveryMinute('2026-11-24T11:00:00Z', '2026-11-24T11:05:00Z');
    expect(timesFor(x, c.channel)).toEqual(['2026-11-24T11:00:00.000Z']);
    expect(x.postsTo(c.channel)[0].metadata).toMatchObject({ event_payload: { key: /2026-11-24$/ } });
    // Down from Tuesday 11:05 until Wednesday 08:30: Wednesday's 09:00 comes, nothing for a missed day.
    await x.tickEveryMinute('2026-11-25T08:30:00Z', '2026-11-25T09:05:00Z');
    expect(timesFor(x, c.channel)).toEqual(['2026-11-24T11:00:00.000Z', '2026-11-25T09:00:00.000Z']);
  });

  test('a restart after the catch-up window sends nothing for that day, and says so in the log', async () => {
    const x = await harness('2026-11-23T12:00:00Z', 60);
    const c = x.addCoach({ timeZone: 'Europe/London' });
    await x.tickEveryMinute('2026-11-24T10:01:00Z', '2026-11-24T23:59:00Z', 30);
    expect(x.postsTo(c.channel)).toHaveLength(0);
    expect(x.logLines.some((l) => l.includes('prompt missed') && l.includes('"localDate":"2026-11-24"'))).toBe(true);
    await x.tickEveryMinute('2026-11-25T09:00:00Z', '2026-11-25T09:00:00Z');
    expect(x.postsTo(c.channel)).toHaveLength(1);
  });

  test('pause: nothing up to and including the last paused date, then prompts again', async () => {
    const x = await harness('2026-11-23T12:00:00Z');
    const c = x.addCoach({ timeZone: 'UTC', pausedUntil: '2026-11-25' });
    await x.tickEveryMinute('2026-11-24T00:00:00Z', '2026-11-27T00:00:00Z', 15);
    expect(timesFor(x, c.channel)).toEqual(['2026-11-26T09:00:00.000Z']);
  });

  test('a pause set after the prompt was queued still holds it back', async () => {
    const x = await harness('2026-11-23T12:00:00Z');
    const c = x.addCoach({ timeZone: 'UTC' });
    x.clock.set('2026-11-24T09:00:00Z');
    x.scheduler.planDue(x.clock.now()); // queued, not yet sent
    x.trellis.changeSettings(c.ref, 'pause 3d');
    await x.scheduler.runDue(x.clock.now());
    expect(x.postsTo(c.channel)).toHaveLength(0);
    expect(x.deliveries.countByStatus()).toEqual({ skipped: 1 });
  });

  test('days of the week: Monday, Wednesday and Friday only', async () => {
    const x = await harness('2026-11-22T12:00:00Z'); // a Sunday
    const c = x.addCoach({ timeZone: 'America/New_York', promptDays: [1, 3, 5], promptTime: '07:45' });
    await x.tickEveryMinute('2026-11-23T00:00:00Z', '2026-11-30T00:00:00Z', 15);
    expect(timesFor(x, c.channel)).toEqual([
      '2026-11-23T12:45:00.000Z',
      '2026-11-25T12:45:00.000Z',
      '2026-11-27T12:45:00.000Z',
    ]);
  });

  test("moving west after today's prompt: no second prompt that day; the next at the new local time", async () => {
    const x = await harness('2026-11-23T12:00:00Z');
    const c = x.addCoach({ timeZone: 'Europe/London' });
    await x.tickEveryMinute('2026-11-24T09:00:00Z', '2026-11-24T09:00:00Z');
    x.clock.set('2026-11-24T10:00:00Z');
    x.trellis.changeSettings(c.ref, 'tz America/New_York');
    await x.tickEveryMinute('2026-11-24T10:00:00Z', '2026-11-25T15:00:00Z', 15);
    expect(timesFor(x, c.channel)).toEqual(['2026-11-24T09:00:00.000Z', '2026-11-25T14:00:00.000Z']);
  });

  test('moving east before the prompt: the next one comes at 09:00 in the new zone', async () => {
    const x = await harness('2026-11-23T12:00:00Z');
    const c = x.addCoach({ timeZone: 'America/New_York' });
    x.clock.set('2026-11-24T12:00:00Z'); // 07:00 in New York, 21:00 in Tokyo
    x.trellis.changeSettings(c.ref, 'tz Asia/Tokyo');
    await x.tickEveryMinute('2026-11-24T12:00:00Z', '2026-11-25T15:00:00Z', 15);
    expect(timesFor(x, c.channel)).toEqual(['2026-11-25T00:00:00.000Z']); // Wednesday 09:00 in Tokyo
  });
});

describe('never twice', () => {
  test('a double tick (two runs at the same minute, at once) sends each prompt once', async () => {
    const x = await harness('2026-11-23T12:00:00Z');
    const coaches = Array.from({ length: 20 }, () => x.addCoach({ timeZone: 'UTC' }));
    x.clock.set('2026-11-24T09:00:00Z');
    await Promise.all([x.scheduler.runDue(x.clock.now()), x.scheduler.runDue(x.clock.now())]);
    await x.scheduler.runDue(x.clock.now());
    for (const c of coaches) expect(x.postsTo(c.channel)).toHaveLength(1);
    expect(x.totalPosts()).toBe(20);
  });

  test('two schedulers on two connections to one database file, racing, send each prompt once', async () => {
    const x = await harness('2026-11-23T12:00:00Z');
    const { openDatabase } = await import('../../src/store');
    const coaches = Array.from({ length: 60 }, () => x.addCoach({ timeZone: 'Asia/Kathmandu', promptTime: '08:00' }));
    const second = openDatabase(x.file);
    try {
      const other = x.build(second);
      x.clock.set('2026-11-24T02:15:00Z');
      const [a, b] = await Promise.all([x.scheduler.runDue(x.clock.now()), other.runDue(x.clock.now())]);
      for (const c of coaches) expect(x.postsTo(c.channel)).toHaveLength(1);
      expect((a.sent.slack?.sent ?? 0) + (b.sent.slack?.sent ?? 0)).toBe(60);
      await other.stop();
    } finally {
      second.close();
    }
  });

  test("a coach who already answered today's prompt on demand is not sent it again", async () => {
    const x = await harness('2026-11-24T08:00:00Z');
    const c = x.addCoach({ timeZone: 'UTC' });
    x.trellis.todaysPrompt(c.ref);
    x.trellis.saveReflection(c.ref, 'A moment of silence that helped.');
    await x.tickEveryMinute('2026-11-24T09:00:00Z', '2026-11-24T09:00:00Z');
    expect(x.postsTo(c.channel)).toHaveLength(0);
  });
});

describe('snooze and the extension point for other kinds', () => {
  test('a snoozed prompt comes back once, two hours later, the same day', async () => {
    const x = await harness('2026-11-23T12:00:00Z');
    const c = x.addCoach({ timeZone: 'UTC' });
    await x.tickEveryMinute('2026-11-24T09:00:00Z', '2026-11-24T09:00:00Z');
    const issue = x.repos.promptIssues.forDate(c.coach.id, '2026-11-24');
    x.clock.set('2026-11-24T09:10:00Z');
    x.trellis.setPromptStatus(c.ref, issue!.id, 'snoozed');
    await x.tickEveryMinute('2026-11-24T09:11:00Z', '2026-11-24T23:59:00Z', 5);
    expect(timesFor(x, c.channel)).toEqual(['2026-11-24T09:00:00.000Z', '2026-11-24T11:11:00.000Z']);
    expect(x.postsTo(c.channel)[1].text).toContain('Your snoozed reflection');
  });

  test("a registered 'weekly' producer rides the first prompt of the coach's week", async () => {
    h = await makeSchedulerHarness({
      start: '2026-11-22T12:00:00Z',
      producers: (registry) =>
        registry.register('weekly', ({ delivery }) => ({ lines: [`Your week of ${delivery.localDate}`] })),
    });
    const c = h.addCoach({ timeZone: 'UTC' });
    await h.tickEveryMinute('2026-11-23T09:00:00Z', '2026-11-24T09:00:00Z', 60);
    const texts = h.postsTo(c.channel).map((p) => String(p.text));
    expect(texts).toHaveLength(3);
    expect(texts.filter((t) => t.startsWith('Your week of 2026-11-23'))).toHaveLength(1);
  });
});
