import { loadCatalog } from '../../src/catalog';
import { seedDemo } from '../../src/cli/seed-demo';
import type { CoachWeekTotals } from '../../src/core/groups';
import { buildWeeklySummary, isPaused, type WeeklySummary } from '../../src/core/summary';
import { addDays, localDate } from '../../src/core/time';
import { Trellis } from '../../src/core/trellis';
import { reportWeekStart, weekAt, weekNumber, weekStartOf } from '../../src/core/trends';
import { createLogger } from '../../src/log';
import { createRepositories, openDatabase } from '../../src/store';
import { tempDbFile } from '../helpers/temp-db';

// Weekly summaries are built coach by coach as the store folds each coach's window (eachCoachWindow), with
// streaks worked out from that window and only long ones looked up further back. This checks them against the batch
// path they replaced: every coach's week totals read at once, each summary built from its coach's list, and each
// streak counted week by week through streakFor, as `trend` counts it.
const NOW = new Date('2026-11-23T12:00:00Z');

describe('weekly summaries, streamed coach by coach', () => {
  const t = tempDbFile();
  const db = openDatabase(t.file);
  const repos = createRepositories(db, () => NOW);
  const catalog = loadCatalog();
  seedDemo(repos, catalog, {
    coaches: 60,
    weeks: 40,
    seed: 11,
    platform: 'slack',
    tenant: 'TSTREAM',
    now: NOW,
    timeZones: ['UTC', 'Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Asia/Kathmandu', 'America/New_York'],
  });
  const coaches = repos.weeklyStats.allCoaches();
  // A paused coach, and coaches who joined during the reported week (one with a self-check, one with nothing).
  repos.coaches.updateSettings(coaches[3].id, { ...coaches[3].settings, pausedUntil: '2026-12-01' }, false);
  const joinedLastWeek = createRepositories(db, () => new Date('2026-11-18T10:00:00Z'));
  const late = joinedLastWeek.coaches.upsert(
    { platform: 'slack', tenant: 'TSTREAM', user: 'late-1' },
    { ...coaches[0].settings, timeZone: 'UTC' },
  );
  joinedLastWeek.coaches.upsert(
    { platform: 'slack', tenant: 'TSTREAM', user: 'late-2' },
    { ...coaches[0].settings, timeZone: 'UTC' },
  );
  db.prepare(
    "INSERT INTO self_checks (coach_id, checked_at, local_date, context, respect) VALUES (?, ?, '2026-11-19', 4, 2)",
  ).run(late.id, '2026-11-19T10:00:00Z');
  afterAll(() => {
    db.close();
    t.cleanup();
  });

  const trellis = new Trellis({
    repos,
    catalog,
    clock: { now: () => NOW },
    log: createLogger('silent'),
    defaultTimeZone: 'UTC',
    minGroupSize: 3,
  });

  /** The batch path: all totals first, then one summary per coach from its list. */
  function batchSummaries(): Map<number, WeeklySummary | undefined> {
    const everyone = repos.weeklyStats.allCoaches();
    const plans = everyone
      .map((coach) => ({ coach, today: localDate(NOW, coach.settings.timeZone) }))
      .filter((p) => !isPaused(p.coach, p.today))
      .map((p) => ({ ...p, reportWeek: reportWeekStart(p.today) }));
    const from = weekStartOf(Math.min(...plans.map((p) => weekNumber(p.reportWeek))) - 7);
    const to = addDays(weekStartOf(Math.max(...plans.map((p) => weekNumber(p.today)))), 6);
    const byCoach = new Map<number, CoachWeekTotals[]>();
    for (const row of repos.weeklyStats.coachWeekTotals(from, to)) {
      byCoach.set(row.coachId, [...(byCoach.get(row.coachId) ?? []), row]);
    }
    const out = new Map<number, WeeklySummary | undefined>();
    for (const { coach, today, reportWeek } of plans) {
      const totals = byCoach.get(coach.id) ?? [];
      const week = weekNumber(reportWeek);
      const joinedWeek = weekNumber(localDate(new Date(coach.createdAt), coach.settings.timeZone));
      if (week < joinedWeek && !totals.some((x) => x.week <= week)) continue;
      out.set(
        coach.id,
        buildWeeklySummary({
          coach,
          today,
          reportWeek,
          totals,
          reflections: totals.find((x) => x.week === week)?.reflections ?? 0,
          streak: trellis.weekly.streakFor(coach.id, today),
          first: week === joinedWeek && !totals.some((x) => x.week < week),
          catalog,
        }),
      );
    }
    return out;
  }

  it('equal the batch path for every coach, long streaks, a paused coach and late joiners included', () => {
    const expected = batchSummaries();
    const streamed = trellis.weekly.allSummaries(NOW);
    expect(streamed.map((s) => s.coach.id)).toEqual([...expected.keys()]);
    for (const { coach, summary } of streamed) expect(summary).toEqual(expected.get(coach.id));
    // The data covers what the streamed path treats apart: streaks past the window, a first summary, a pause.
    expect(streamed.filter((s) => s.summary.streak > 8).length).toBeGreaterThan(0);
    expect(streamed.find((s) => s.coach.id === late.id)?.summary.first).toBe(true);
    expect(streamed.some((s) => s.coach.id === coaches[3].id)).toBe(false);
    expect(streamed.some((s) => s.summary.kind === 'nudge')).toBe(true);
    // One coach on demand goes through the same stream.
    for (const { coach, summary } of streamed.slice(0, 5)) {
      expect(trellis.weekly.summaryData(coach.id, NOW)).toEqual(summary);
    }
  });

  it('reads week numbers from dates as weekNumber does, across leap years and year ends', () => {
    for (let day = 0; day < 3 * 366; day += 1) {
      const date = addDays('2023-12-25', day);
      expect(weekAt(`x,${date},y`, 2)).toBe(weekNumber(date));
    }
    for (const date of ['1970-01-05', '1970-01-11', '2000-02-29', '2100-03-01', '2399-12-31']) {
      expect(weekAt(date)).toBe(weekNumber(date));
    }
  });
});
