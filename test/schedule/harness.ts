import type { CoachRef, Settings } from '../../src/core/model';
import type { Clock } from '../../src/core/ports';
import { createLogger } from '../../src/log';
import { SlackMessenger } from '../../src/platforms/slack/messenger';
import { Scheduler } from '../../src/schedule';
import type { SenderOptions } from '../../src/schedule/delivery';
import type { DuePlanner } from '../../src/schedule/jobs';
import { ProducerRegistry, registerPromptProducers } from '../../src/schedule/producers';
import { deliveryStore } from '../../src/store/deliveries';
import { scheduleStore } from '../../src/store/schedule';
import { FakeSlackApi, type FakeSlackOptions } from '../helpers/fake-slack-api';
import { makeTrellis } from '../helpers/trellis';

export interface HarnessOptions {
  start: string;
  catchUpMinutes?: number;
  fake?: FakeSlackOptions;
  sender?: Partial<SenderOptions>;
  /** Use this clock instead of a FixedClock (tests that wait out a real Retry-After). */
  clock?: Clock;
  leaseMs?: number;
  producers?: (registry: ProducerRegistry) => void;
  planners?: DuePlanner[];
}

/**
 * The real core, store and scheduler on a temp SQLite file, sending through the real SlackMessenger to a fake
 * Slack Web API on 127.0.0.1. The clock stands still unless a test moves it.
 */
export async function makeSchedulerHarness(options: HarnessOptions) {
  const t = makeTrellis(options.start);
  const clock: Clock = options.clock ?? t.clock;
  // Message timestamps from the test's clock, so history lookups bounded by a due time see what was posted.
  const fake = await new FakeSlackApi({ now: () => clock.now().getTime(), ...options.fake }).start();
  const build = (db = t.db) => {
    const producers = registerPromptProducers(new ProducerRegistry(), {
      trellis: t.trellis,
      promptIssues: t.repos.promptIssues,
    });
    options.producers?.(producers);
    return new Scheduler({
      schedule: scheduleStore(db),
      deliveries: deliveryStore(db),
      coaches: t.repos.coaches,
      producers,
      messengers: [new SlackMessenger('xoxb-test-token', { apiUrl: fake.url, timeoutMs: 5_000 })],
      clock,
      log: createTestLog(t.logLines),
      catchUpMinutes: options.catchUpMinutes ?? 180,
      // A standing clock cannot wait out a backoff inside a run: the test moves the clock and ticks again.
      // Lookups paced as fast as sends here: their pacing (Slack's history tier) is tested against the child sender.
      sender: {
        maxWaitMs: options.clock ? 60_000 : 0,
        limiter: { initialRate: 1000 },
        lookupLimiter: { initialRate: 1000, maxRate: 1000 },
        ...options.sender,
      },
      leaseMs: options.leaseMs,
      planners: options.planners,
    });
  };
  const scheduler = build();

  let users = 0;
  /** A Slack coach with these settings, created now (so their next due instant is computed now). */
  const addCoach = (settings: Partial<Settings> = {}, user = `U${String(++users).padStart(5, '0')}`) => {
    const ref: CoachRef = { platform: 'slack', tenant: 'T0TEAM', user };
    const coach = t.trellis.coach(ref);
    const updated = t.repos.coaches.updateSettings(coach.id, { ...coach.settings, ...settings }, true);
    return { ref, coach: updated, channel: `D${user.replace(/^U/, '')}` };
  };

  /** chat.postMessage calls per DM channel, as the fake received them. */
  const postsTo = (channel: string) => fake.posted.get(channel) ?? [];
  const totalPosts = () => [...fake.posted.values()].reduce((n, list) => n + list.length, 0);

  /** Runs the tick once a minute from `from` to `to` (inclusive), like cron would. */
  const tickEveryMinute = async (from: string, to: string, stepMinutes = 1) => {
    for (let at = Date.parse(from); at <= Date.parse(to); at += stepMinutes * 60_000) {
      t.clock.set(new Date(at));
      await scheduler.runDue(new Date(at));
    }
  };

  /** The clock readings at which each post reached the fake. */
  const postTimes: { channel: string; at: string }[] = [];
  fake.respond((call) => {
    if (call.method === 'chat.postMessage') postTimes.push({ channel: String(call.body.channel), at: iso(clock) });
    return undefined;
  });

  return {
    ...t,
    fake,
    scheduler,
    build,
    addCoach,
    postsTo,
    totalPosts,
    postTimes,
    tickEveryMinute,
    deliveries: deliveryStore(t.db),
    schedule: scheduleStore(t.db),
    async close() {
      await scheduler.stop();
      await fake.stop();
      t.close();
    },
  };
}

function iso(clock: Clock): string {
  return clock.now().toISOString();
}

function createTestLog(lines: string[]) {
  return createLogger('debug', {}, (line) => lines.push(line));
}
