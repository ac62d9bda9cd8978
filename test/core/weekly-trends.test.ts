import fc from 'fast-check';
import { BEHAVIOUR_KEYS, type Rating } from '../../src/core/behaviours';
import type { Ratings } from '../../src/core/model';
import { addDays, weekStart } from '../../src/core/time';
import {
  computeTrend,
  formatWeek,
  reportWeekStart,
  totalsFromChecks,
  trendFromTotals,
  weekNumber,
  weekStartOf,
} from '../../src/core/trends';
import { addCheck, addReflection, makeWeeklyTrellis, slackRef } from '../helpers/weekly';

/** An independent, deliberately plain reference: filter by date strings, average what is left. */
function naiveMean(checks: { localDate: string; ratings: Ratings }[], from: string, to: string, key: string) {
  const values = checks
    .filter((c) => c.localDate >= from && c.localDate <= to)
    .map((c) => c.ratings[key as keyof Ratings])
    .filter((v): v is Rating => v !== undefined);
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
}

const dateArb = fc.integer({ min: 0, max: 120 }).map((offset) => addDays('2026-10-01', offset)); // spans the 2026/2027 year end
const ratingArb = fc.constantFrom<Rating>(1, 2, 3, 4, 5);
const checkArb = fc.record({
  localDate: dateArb,
  ratings: fc
    .record(Object.fromEntries(BEHAVIOUR_KEYS.map((k) => [k, ratingArb])) as Record<string, fc.Arbitrary<Rating>>, {
      requiredKeys: [],
    })
    .map((r) => r as Ratings),
});

describe('week numbers and the reported week', () => {
  test('weeks are Monday to Sunday and continue across the year end', () => {
    expect(weekStart('2027-01-01')).toBe('2026-12-28');
    expect(weekNumber('2026-12-28')).toBe(weekNumber('2027-01-03'));
    expect(weekNumber('2027-01-04') - weekNumber('2026-12-28')).toBe(1);
    expect(weekStartOf(weekNumber('2027-01-03'))).toBe('2026-12-28');
    expect(formatWeek('2026-12-28')).toBe('28 Dec 2026 – 3 Jan 2027');
    expect(formatWeek('2026-11-30')).toBe('30 Nov – 6 Dec 2026');
  });

  test('Monday to Thursday report last week; Friday to Sunday the week now ending', () => {
    expect(reportWeekStart('2027-01-04')).toBe('2026-12-28'); // Monday
    expect(reportWeekStart('2027-01-07')).toBe('2026-12-28'); // Thursday
    expect(reportWeekStart('2027-01-08')).toBe('2027-01-04'); // Friday
    expect(reportWeekStart('2027-01-10')).toBe('2027-01-04'); // Sunday
  });

  test('every date maps to the week number of its Monday', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40_000 }), (offset) => {
        const date = addDays('1990-01-01', offset);
        expect(weekStartOf(weekNumber(date))).toBe(weekStart(date));
      }),
    );
  });
});

describe('trend arithmetic on generated histories', () => {
  test('this week, the four weeks before, the change and the 8-week series match a plain recomputation', () => {
    fc.assert(
      fc.property(fc.array(checkArb, { maxLength: 60 }), dateArb, (checks, today) => {
        const trend = computeTrend(checks, today);
        const monday = weekStart(today);
        expect(trend.weekStart).toBe(monday);
        expect(trend.checkInsThisWeek).toBe(checks.filter((c) => weekStart(c.localDate) === monday).length);
        for (const b of trend.behaviours) {
          const now = naiveMean(checks, monday, addDays(monday, 6), b.key);
          const before = naiveMean(checks, addDays(monday, -28), addDays(monday, -1), b.key);
          if (now === null) expect(b.thisWeek).toBeNull();
          else expect(b.thisWeek).toBeCloseTo(now);
          if (before === null) expect(b.before).toBeNull();
          else expect(b.before).toBeCloseTo(before);
          expect(b.change === null).toBe(now === null || before === null);
          if (b.change !== null) expect(b.change).toBeCloseTo((now as number) - (before as number));
          expect(b.series).toHaveLength(8);
          b.series.forEach((value, i) => {
            const from = addDays(monday, 7 * (i - 7));
            const expected = naiveMean(checks, from, addDays(from, 6), b.key);
            if (expected === null) expect(value).toBeNull();
            else expect(value).toBeCloseTo(expected);
          });
          expect(b.sparkline).toHaveLength(8);
          b.series.forEach((value, i) => {
            if (value === null) expect(b.sparkline[i]).toBe('·');
            else expect(b.sparkline[i]).not.toBe('·');
          });
        }
      }),
      { numRuns: 300 },
    );
  });

  test('weeks without data stay empty: no zero, no carry-over', () => {
    const checks = [
      { localDate: '2026-12-02', ratings: { context: 2 as Rating } },
      { localDate: '2026-12-30', ratings: { context: 4 as Rating } }, // the week of 28 Dec, across the year end
    ];
    const trend = trendFromTotals(totalsFromChecks(checks), '2026-12-28');
    const context = trend.behaviours.find((b) => b.key === 'context');
    expect(context?.series).toEqual([null, null, null, 2, null, null, null, 4]);
    expect(context?.sparkline).toBe('···▃···▆');
    expect(context?.before).toBe(2);
    expect(context?.change).toBe(2);
    const respect = trend.behaviours.find((b) => b.key === 'respect');
    expect(respect).toMatchObject({ thisWeek: null, before: null, change: null, sparkline: '········' });
  });
});

describe('the set-based weekly read agrees with the per-coach computation', () => {
  test('random histories around the year end, several coaches, SQL week numbers = core week numbers', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(checkArb, { maxLength: 25 }), { minLength: 1, maxLength: 4 }),
        fc.constantFrom('2027-01-04T12:00:00Z', '2027-01-08T12:00:00Z', '2026-12-31T12:00:00Z'),
        async (histories, at) => {
          // The coaches joined before any week reported on (a week before joining has no summary).
          const t = makeWeeklyTrellis('2026-10-01T12:00:00Z', { charts: false });
          try {
            const coaches = histories.map((history, i) => {
              const coach = t.trellis.coach(slackRef(`U${i}`));
              for (const c of history) addCheck(t.repos, coach, c.localDate, c.ratings);
              return { coach, history };
            });
            t.clock.set(at);
            const all = new Map(t.trellis.weekly.allSummaries(new Date(at)).map((s) => [s.coach.id, s.summary]));
            for (const { coach, history } of coaches) {
              const report = reportWeekStart(at.slice(0, 10));
              const expected = computeTrend(history, report);
              const single = t.trellis.weekly.summaryData(coach.id, new Date(at));
              for (const summary of [all.get(coach.id), single]) {
                expect(summary?.trend.weekStart).toBe(report);
                expect(summary?.checkIns).toBe(expected.checkInsThisWeek);
                summary?.trend.behaviours.forEach((b, i) => {
                  const e = expected.behaviours[i];
                  expect(b.sparkline).toBe(e.sparkline);
                  if (e.change === null) expect(b.change).toBeNull();
                  else expect(b.change).toBeCloseTo(e.change);
                });
              }
            }
          } finally {
            t.close();
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  test('streak: weeks in a row ending with the reported week, counting reflections, reaching past the window', () => {
    const t = makeWeeklyTrellis('2027-01-04T09:00:00Z', { charts: false });
    try {
      const steady = t.trellis.coach(slackRef('Usteady'));
      // 12 weeks in a row up to the week of 28 Dec 2026 (longer than the 8-week window), one by reflection only.
      for (let w = 0; w < 12; w++) {
        const monday = addDays('2026-12-28', -7 * w);
        if (w === 5) addReflection(t.repos, steady, addDays(monday, 2), 'A reflection keeps the streak going.');
        else addCheck(t.repos, steady, addDays(monday, 1), { context: 3 });
      }
      addCheck(t.repos, steady, '2026-09-21', { context: 3 }); // after a gap: not counted
      const gap = t.trellis.coach(slackRef('Ugap'));
      addCheck(t.repos, gap, '2026-12-29', { context: 3 });
      addCheck(t.repos, gap, '2026-12-15', { context: 3 }); // the week of 21 Dec is missing
      const now = new Date('2027-01-04T09:00:00Z');
      expect(t.trellis.weekly.summaryData(steady.id, now)?.streak).toBe(12);
      expect(t.trellis.weekly.summaryData(gap.id, now)?.streak).toBe(1);
      const all = new Map(t.trellis.weekly.allSummaries(now).map((s) => [s.coach.id, s.summary.streak]));
      expect(all.get(steady.id)).toBe(12);
      expect(all.get(gap.id)).toBe(1);
    } finally {
      t.close();
    }
  });
});
