import type { DatedRatings } from '../../src/core/trends';
import { computeTrend, sparkline, streak, weeklyMeans, weekStarts } from '../../src/core/trends';

describe('weekly trend arithmetic', () => {
  it('weeks start on Monday and run across a year boundary', () => {
    // 2027-01-01 is a Friday; its week began on Monday 2026-12-28.
    expect(weekStarts('2027-01-01', 3)).toEqual(['2026-12-14', '2026-12-21', '2026-12-28']);
    expect(weekStarts('2027-01-04', 2)).toEqual(['2026-12-28', '2027-01-04']);
  });

  it('buckets checks into weeks and leaves empty weeks null', () => {
    const weeks = weeklyMeans(
      [
        { localDate: '2026-12-29', ratings: { context: 2 } },
        { localDate: '2027-01-03', ratings: { context: 4, empathy: 5 } },
        { localDate: '2026-12-15', ratings: { context: 3 } },
      ],
      '2027-01-01',
      3,
    );
    expect(weeks.map((w) => w.means.context)).toEqual([3, null, 3]);
    expect(weeks.map((w) => w.checkIns)).toEqual([1, 0, 2]);
    expect(weeks[2].means.empathy).toBe(5);
  });

  it('compares this week with every rating of the four weeks before', () => {
    const checks: DatedRatings[] = [
      // four weeks before 2027-01-04's week: 2026-12-07 .. 2027-01-03
      { localDate: '2026-12-07', ratings: { respect: 2 } },
      { localDate: '2026-12-20', ratings: { respect: 3 } },
      { localDate: '2027-01-03', ratings: { respect: 4 } },
      // five weeks before: outside the baseline
      { localDate: '2026-11-30', ratings: { respect: 1 } },
      // this week
      { localDate: '2027-01-05', ratings: { respect: 5 } },
      { localDate: '2027-01-06', ratings: { respect: 4 } },
    ];
    const trend = computeTrend(checks, '2027-01-07');
    const respect = trend.behaviours.find((b) => b.key === 'respect');
    expect(trend.weekStart).toBe('2027-01-04');
    expect(respect?.thisWeek).toBeCloseTo(4.5);
    expect(respect?.before).toBeCloseTo(3);
    expect(respect?.change).toBeCloseTo(1.5);
    expect(respect?.series).toHaveLength(8);
    expect(trend.checkInsThisWeek).toBe(2);
    const context = trend.behaviours.find((b) => b.key === 'context');
    expect(context?.thisWeek).toBeNull();
    expect(context?.change).toBeNull();
  });

  it('draws 1 as the lowest bar, 5 as the highest, gaps as dots', () => {
    expect(sparkline([1, 3, 5, null])).toBe('▁▅█·');
  });

  it('counts a streak of weeks with a check-in, not broken by a week just begun', () => {
    const dates = ['2026-12-29', '2026-12-22', '2026-12-15', '2026-12-01'];
    expect(streak(dates, '2027-01-04')).toBe(3);
    expect(streak(dates, '2027-01-02')).toBe(3);
    expect(streak([], '2027-01-02')).toBe(0);
  });
});
