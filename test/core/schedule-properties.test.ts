import fc from 'fast-check';
import type { Settings, Weekday } from '../../src/core/model';
import {
  latestOccurrenceAtOrBefore,
  localTimeOf,
  nextOccurrenceAfter,
  occurrenceOn,
  planDue,
} from '../../src/core/schedule';
import { localDate, localParts } from '../../src/core/time';

/**
 * Properties of the schedule over random zones, prompt times, days, pauses and start instants. schedule.test.ts
 * already checks localTimeToUtc on its own (the asked-for time, or the first minute after a gap, first of a repeat);
 * these check what the scheduler builds on it: the sequence of due instants a coach gets, and what ticks send.
 */

const ZONES = [
  'UTC',
  'America/New_York',
  'Europe/London',
  'Europe/Berlin',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
  'America/Santiago',
  'Asia/Tehran',
  'Pacific/Chatham',
  'America/St_Johns',
  'Pacific/Apia',
  'America/Havana',
  'Asia/Beirut',
];
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const time = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
  .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
const days = fc
  .uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 })
  .map((d) => d.sort() as Weekday[]);
const wideInstant = fc.integer({ min: Date.UTC(2010, 0, 1), max: Date.UTC(2030, 0, 1) }).map((ms) => new Date(ms));

/** Zones on days their clocks jump or repeat (and Samoa's skipped 30 December 2011), where mistakes would hide. */
const TRANSITIONS: [string, number][] = [
  ['Pacific/Apia', Date.UTC(2011, 11, 30)],
  ['America/New_York', Date.UTC(2026, 2, 8)],
  ['America/New_York', Date.UTC(2026, 10, 1)],
  ['Europe/London', Date.UTC(2026, 2, 29)],
  ['Europe/London', Date.UTC(2026, 9, 25)],
  ['Australia/Lord_Howe', Date.UTC(2026, 9, 4)],
  ['Australia/Lord_Howe', Date.UTC(2026, 3, 5)],
  ['America/Santiago', Date.UTC(2026, 8, 6)],
];

const settingsArb: fc.Arbitrary<Settings> = fc.record({
  promptTime: time,
  promptDays: days,
  timeZone: fc.constantFrom(...ZONES),
  level: fc.constant(null),
  workingToward: fc.constant(null),
  practices: fc.constant([]),
  pausedUntil: fc.constant(null),
});

/** The date after `date` (YYYY-MM-DD). */
function nextDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + DAY).toISOString().slice(0, 10);
}

/** "YYYY-MM-DD HH:MM" on the coach's clock, comparable as text. */
function wallClock(at: Date, zone: string): string {
  return `${localDate(at, zone)} ${localTimeOf(at, zone)}`;
}

/** A coach's settings and a start instant: anywhere, or within days before one of the transitions above. */
const scenario: fc.Arbitrary<[Settings, Date]> = fc.oneof(
  fc.tuple(settingsArb, wideInstant),
  fc
    .tuple(settingsArb, fc.constantFrom(...TRANSITIONS), fc.integer({ min: -4 * 24 * 60, max: 24 * 60 }))
    .map(([s, [zone, at], minutes]): [Settings, Date] => [{ ...s, timeZone: zone }, new Date(at + minutes * MINUTE)]),
);

describe('schedule properties', () => {
  test('the due instants a coach gets: one per prompt day, at the asked-for local time or the first minute after a gap', () => {
    fc.assert(
      fc.property(scenario, ([s, start]) => {
        let previous = nextOccurrenceAfter(s, start);
        expect(previous).toBeDefined();
        if (!previous) return;
        expect(previous.dueUtc.getTime()).toBeGreaterThan(start.getTime());
        for (let i = 0; i < 12; i++) {
          const o = nextOccurrenceAfter(s, previous.dueUtc);
          if (!o) throw new Error('a schedule with prompt days ran out of prompts');
          // Strictly later, on a later local date: never twice for one local date.
          expect(o.dueUtc.getTime()).toBeGreaterThan(previous.dueUtc.getTime());
          expect(o.localDate > previous.localDate).toBe(true);
          // The instant falls on the local date it is for, on a prompt day.
          expect(localDate(o.dueUtc, s.timeZone)).toBe(o.localDate);
          expect(s.promptDays).toContain(((new Date(`${o.localDate}T00:00:00Z`).getUTCDay() + 6) % 7) + 1);
          const reads = localTimeOf(o.dueUtc, s.timeZone);
          if (reads !== s.promptTime) {
            // That wall time did not exist that day: this is the first minute after the gap, so the minute
            // before reads earlier than the asked-for time on that date.
            expect(reads > s.promptTime).toBe(true);
            expect(
              wallClock(new Date(o.dueUtc.getTime() - MINUTE), s.timeZone) < `${o.localDate} ${s.promptTime}`,
            ).toBe(true);
          } else {
            // The first time the clock reads it (after a repeated hour, the earlier one).
            for (const back of [HOUR, 30 * MINUTE]) {
              expect(wallClock(new Date(o.dueUtc.getTime() - back), s.timeZone)).not.toBe(
                `${o.localDate} ${s.promptTime}`,
              );
            }
          }
          // No prompt day in between was skipped, unless the zone skipped that whole date.
          for (let d = nextDate(previous.localDate); d < o.localDate; d = nextDate(d)) {
            expect(occurrenceOn(s, d)).toBeUndefined();
          }
          previous = o;
        }
      }),
      { numRuns: 150 },
    );
  });

  test('a coach with Fridays only in Samoa still has a next prompt after the Friday the zone skipped', () => {
    // Found by the property below: the search for the next prompt gave up after ten days.
    const s: Settings = {
      promptTime: '00:00',
      promptDays: [5],
      timeZone: 'Pacific/Apia',
      level: null,
      workingToward: null,
      practices: [],
      pausedUntil: null,
    };
    const next = nextOccurrenceAfter(s, new Date('2011-12-23T10:00:00Z')); // Friday 23 December, 00:00 local
    expect(next?.localDate).toBe('2012-01-06');
  });

  test('around any instant, the latest due prompt and the next one are neighbours', () => {
    fc.assert(
      fc.property(scenario, ([s, now]) => {
        const latest = latestOccurrenceAtOrBefore(s, now);
        const next = nextOccurrenceAfter(s, now);
        expect(next).toBeDefined();
        expect(next!.dueUtc.getTime()).toBeGreaterThan(now.getTime());
        if (!latest) return; // only when no prompt day fell in the look-back
        expect(latest.dueUtc.getTime()).toBeLessThanOrEqual(now.getTime());
        // Nothing lies between them.
        expect(nextOccurrenceAfter(s, latest.dueUtc)?.dueUtc.toISOString()).toBe(next!.dueUtc.toISOString());
      }),
      { numRuns: 300 },
    );
  });

  test('ticks at random moments send each local date at most once, never early, and within the catch-up window', () => {
    const catchUp = 180;
    fc.assert(
      fc.property(
        scenario,
        // Gaps between ticks: mostly a minute, sometimes an outage of hours.
        fc.array(fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 59 }), fc.integer({ min: 60, max: 2000 })), {
          minLength: 20,
          maxLength: 120,
        }),
        ([s, start], gaps) => {
          const sent = new Set<string>();
          let nextDue = nextOccurrenceAfter(s, start)?.dueUtc;
          let now = start;
          for (const gap of gaps) {
            now = new Date(now.getTime() + gap * MINUTE);
            // The tick only looks at a coach whose stored next-due instant has passed.
            if (!nextDue || nextDue.getTime() > now.getTime()) continue;
            const plan = planDue(s, now, catchUp);
            if (plan.send) {
              expect(sent.has(plan.send.localDate)).toBe(false);
              sent.add(plan.send.localDate);
              expect(plan.send.dueUtc.getTime()).toBeLessThanOrEqual(now.getTime());
              expect(now.getTime() - plan.send.dueUtc.getTime()).toBeLessThanOrEqual(catchUp * MINUTE);
            }
            nextDue = plan.next?.dueUtc;
            expect(nextDue && nextDue.getTime() > now.getTime()).toBe(true);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  test('with a tick every minute, every prompt day in a span is sent exactly once', () => {
    fc.assert(
      fc.property(scenario, ([s, start]) => {
        const end = new Date(start.getTime() + 9 * DAY);
        const sent: string[] = [];
        let nextDue = nextOccurrenceAfter(s, start)?.dueUtc;
        // Jump from one due instant to the next tick at or after it: the same as ticking every minute.
        for (let ticks = 0; nextDue && nextDue.getTime() <= end.getTime(); ticks++) {
          // Nine days hold at most nine prompts: more means a due instant that never moves on.
          if (ticks > 20) throw new Error(`the next due instant is stuck at ${nextDue.toISOString()}`);
          const now = new Date(Math.ceil(nextDue.getTime() / MINUTE) * MINUTE);
          const plan = planDue(s, now, 180);
          if (plan.send) sent.push(plan.send.localDate);
          nextDue = plan.next?.dueUtc;
        }
        const expected: string[] = [];
        for (let o = nextOccurrenceAfter(s, start); o && o.dueUtc.getTime() <= end.getTime(); ) {
          expected.push(o.localDate);
          o = nextOccurrenceAfter(s, o.dueUtc);
        }
        expect(sent).toEqual(expected);
        expect(new Set(sent).size).toBe(sent.length);
        // Each of those dates had a prompt due (the local parts agree with the zone's clock).
        for (const date of sent) expect(localParts(occurrenceOn(s, date)!.dueUtc, s.timeZone).date).toBe(date);
      }),
      { numRuns: 150 },
    );
  });
});
