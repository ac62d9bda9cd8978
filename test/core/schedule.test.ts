import fc from 'fast-check';
import type { Weekday } from '../../src/core/model';
import {
  isPromptDay,
  latestOccurrenceAtOrBefore,
  localTimeToUtc,
  nextOccurrenceAfter,
  planDue,
} from '../../src/core/schedule';
import { localDate, localParts } from '../../src/core/time';
import { testSettings } from '../helpers/settings';

const iso = (d: Date | undefined) => d?.toISOString();
const ALL_DAYS: Weekday[] = [1, 2, 3, 4, 5, 6, 7];

describe('localTimeToUtc: a local time of day on a local date, as a UTC instant', () => {
  test.each([
    // [date, time, zone, expected UTC, why]
    ['2026-03-07', '09:00', 'America/New_York', '2026-03-07T14:00:00.000Z', 'EST, the day before the jump'],
    ['2026-03-08', '09:00', 'America/New_York', '2026-03-08T13:00:00.000Z', 'EDT, the day of the jump'],
    ['2026-03-08', '02:30', 'America/New_York', '2026-03-08T07:00:00.000Z', '02:30 does not exist: 03:00 EDT'],
    ['2026-03-08', '02:00', 'America/New_York', '2026-03-08T07:00:00.000Z', '02:00 does not exist either'],
    ['2026-03-08', '03:00', 'America/New_York', '2026-03-08T07:00:00.000Z', '03:00 is the first valid minute'],
    ['2026-11-01', '01:30', 'America/New_York', '2026-11-01T05:30:00.000Z', '01:30 happens twice: the first'],
    ['2026-03-29', '01:30', 'Europe/London', '2026-03-29T01:00:00.000Z', 'London skips 01:00-02:00: 02:00 BST'],
    ['2026-10-25', '01:30', 'Europe/London', '2026-10-25T00:30:00.000Z', 'London repeats 01:00-02:00: first'],
    ['2026-10-04', '02:15', 'Australia/Lord_Howe', '2026-10-03T15:30:00.000Z', 'a 30-minute jump: 02:30 +11'],
    ['2026-04-05', '01:45', 'Australia/Lord_Howe', '2026-04-04T14:45:00.000Z', 'a 30-minute repeat: the first'],
    ['2026-07-01', '09:00', 'Australia/Lord_Howe', '2026-06-30T22:30:00.000Z', 'winter: +10:30'],
    ['2026-10-05', '09:00', 'Australia/Lord_Howe', '2026-10-04T22:00:00.000Z', 'summer: +11'],
    ['2026-11-24', '09:00', 'Asia/Kathmandu', '2026-11-24T03:15:00.000Z', '+05:45'],
    ['2026-11-24', '09:00', 'Asia/Kolkata', '2026-11-24T03:30:00.000Z', '+05:30'],
    ['2016-04-30', '09:00', 'America/Caracas', '2016-04-30T13:30:00.000Z', 'Venezuela before its 2016 change: -04:30'],
    ['2016-05-02', '09:00', 'America/Caracas', '2016-05-02T13:00:00.000Z', 'and after it: -04:00'],
    ['2016-05-01', '02:45', 'America/Caracas', '2016-05-01T07:00:00.000Z', 'the rule change skipped 02:30-03:00'],
  ])('%s %s in %s is %s (%s)', (date, time, zone, expected) => {
    expect(localTimeToUtc(date, time, zone).toISOString()).toBe(expected);
  });

  test('any local time in any zone resolves to that time, or to the first minute after a gap, once', () => {
    const zones = [
      'America/New_York',
      'Europe/London',
      'Australia/Lord_Howe',
      'Asia/Kathmandu',
      'America/Santiago',
      'Asia/Tehran',
      'Pacific/Chatham',
      'America/St_Johns',
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: Date.UTC(2015, 0, 1), max: Date.UTC(2030, 0, 1) }),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        (zone, dayMs, hour, minute) => {
          const date = new Date(dayMs).toISOString().slice(0, 10);
          const time = `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
          const due = localTimeToUtc(date, time, zone);
          const local = localParts(due, zone);
          const reads = `${String(local.hour).padStart(2, '0')}:${String(local.minute).padStart(2, '0')}`;
          if (reads === time && local.date === date) {
            // The first instant that reads so: a minute earlier does not read the same after a repeat hour.
            const hourEarlier = localParts(new Date(due.getTime() - 3_600_000), zone);
            const halfEarlier = localParts(new Date(due.getTime() - 1_800_000), zone);
            expect(
              [hourEarlier, halfEarlier].some((p) => p.date === date && p.hour === hour && p.minute === minute),
            ).toBe(false);
          } else {
            // A gap: the wall time never happened; we land on the first minute after it, and a minute before
            // reads earlier than the asked-for time.
            const before = localParts(new Date(due.getTime() - 60_000), zone);
            expect(
              `${before.date} ${before.hour * 60 + before.minute}`.localeCompare(`${date} ${hour * 60 + minute}`),
            ).toBeLessThan(0);
            expect(reads > time || local.date > date).toBe(true);
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('next and latest occurrence', () => {
  test('a spring-forward day has one prompt, at the next valid minute', () => {
    const s = testSettings({ promptTime: '02:30', promptDays: ALL_DAYS, timeZone: 'America/New_York' });
    const next = nextOccurrenceAfter(s, new Date('2026-03-07T12:00:00Z'));
    expect(next?.localDate).toBe('2026-03-08');
    expect(iso(next?.dueUtc)).toBe('2026-03-08T07:00:00.000Z');
    expect(iso(nextOccurrenceAfter(s, next!.dueUtc)?.dueUtc)).toBe('2026-03-09T06:30:00.000Z');
  });

  test('a fall-back day has one prompt, not two', () => {
    const s = testSettings({ promptTime: '01:30', promptDays: ALL_DAYS, timeZone: 'America/New_York' });
    const first = nextOccurrenceAfter(s, new Date('2026-10-31T12:00:00Z'));
    expect(iso(first?.dueUtc)).toBe('2026-11-01T05:30:00.000Z');
    // The second 01:30 (06:30Z) is not another prompt: next is Monday's.
    const second = nextOccurrenceAfter(s, first!.dueUtc);
    expect(second?.localDate).toBe('2026-11-02');
    expect(iso(second?.dueUtc)).toBe('2026-11-02T06:30:00.000Z');
  });

  test('prompt days are respected: Friday evening to Monday morning', () => {
    const s = testSettings({ timeZone: 'Europe/London' });
    const next = nextOccurrenceAfter(s, new Date('2026-11-27T10:00:00Z')); // Friday after 09:00
    expect(next?.localDate).toBe('2026-11-30'); // Monday
    expect(isPromptDay(s, '2026-11-28')).toBe(false);
    const mwf = testSettings({ promptDays: [1, 3, 5] });
    expect(nextOccurrenceAfter(mwf, new Date('2026-11-24T08:00:00Z'))?.localDate).toBe('2026-11-25');
  });

  test('a pause holds prompts up to and including its last date', () => {
    const s = testSettings({ pausedUntil: '2026-12-02' });
    expect(nextOccurrenceAfter(s, new Date('2026-11-24T08:00:00Z'))?.localDate).toBe('2026-12-03');
    // During the pause nothing is due, not even a catch-up of a day before it (the pause covers every date up to its end).
    expect(latestOccurrenceAtOrBefore(s, new Date('2026-12-02T12:00:00Z'))).toBeUndefined();
    expect(latestOccurrenceAtOrBefore(s, new Date('2026-12-03T09:00:00Z'))?.localDate).toBe('2026-12-03');
    const long = testSettings({ pausedUntil: '2027-06-30' });
    expect(nextOccurrenceAfter(long, new Date('2026-11-24T08:00:00Z'))?.localDate).toBe('2027-07-01');
  });

  test('a whole skipped day (Samoa, 30 December 2011) has no prompt of its own', () => {
    const s = testSettings({ promptDays: ALL_DAYS, timeZone: 'Pacific/Apia' });
    const next = nextOccurrenceAfter(s, new Date('2011-12-29T20:00:00Z')); // 29th, 10:00 local
    expect(next?.localDate).toBe('2011-12-31');
    expect(localDate(next!.dueUtc, 'Pacific/Apia')).toBe('2011-12-31');
  });
});

describe('planDue: what a tick sends', () => {
  const s = testSettings({ timeZone: 'Europe/London' });

  test('on time: sends today, looks next at tomorrow', () => {
    const plan = planDue(s, new Date('2026-11-24T09:00:00Z'), 180);
    expect(plan.send?.localDate).toBe('2026-11-24');
    expect(iso(plan.next?.dueUtc)).toBe('2026-11-25T09:00:00.000Z');
  });

  test('down at 09:00, back at 11:00: today still goes out within the catch-up window', () => {
    expect(planDue(s, new Date('2026-11-24T11:00:00Z'), 180).send?.localDate).toBe('2026-11-24');
    const late = planDue(s, new Date('2026-11-24T12:01:00Z'), 180);
    expect(late.send).toBeUndefined();
    expect(late.missed?.localDate).toBe('2026-11-24');
  });

  test("back the next morning before 09:00: yesterday's is missed, not sent", () => {
    const plan = planDue(s, new Date('2026-11-25T08:30:00Z'), 180);
    expect(plan.send).toBeUndefined();
    expect(plan.missed?.localDate).toBe('2026-11-24');
    expect(iso(plan.next?.dueUtc)).toBe('2026-11-25T09:00:00.000Z');
  });

  test('a zone change moves the next prompt to the new local time', () => {
    const now = new Date('2026-11-24T10:00:00Z');
    expect(iso(nextOccurrenceAfter(s, now)?.dueUtc)).toBe('2026-11-25T09:00:00.000Z');
    const moved = { ...s, timeZone: 'America/New_York' };
    const next = nextOccurrenceAfter(moved, now);
    expect(next?.localDate).toBe('2026-11-24'); // the same local date as the prompt already sent: the outbox key stops it
    expect(iso(next?.dueUtc)).toBe('2026-11-24T14:00:00.000Z');
  });
});
