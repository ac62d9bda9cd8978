import { loadCatalog } from '../../src/catalog';
import { seedDemo } from '../../src/cli/seed-demo';
import { BEHAVIOUR_KEYS } from '../../src/core/behaviours';
import { localDate } from '../../src/core/time';
import { Trellis } from '../../src/core/trellis';
import { weekNumber } from '../../src/core/trends';
import { createLogger } from '../../src/log';
import { createRepositories, openDatabase } from '../../src/store';
import { tempDbFile } from '../helpers/temp-db';

// The weekly reads fold one row per coach in JavaScript; these check them against plain SQL over the same rows.
const NOW = new Date('2026-11-23T12:00:00Z');
const WEEK = 'CAST((julianday(local_date) - 2440591.5) / 7 AS INTEGER)';

describe('weekly stats against a plain SQL aggregate', () => {
  const t = tempDbFile();
  const db = openDatabase(t.file);
  const repos = createRepositories(db, () => NOW);
  const catalog = loadCatalog();
  seedDemo(repos, catalog, {
    coaches: 40,
    weeks: 80,
    seed: 7,
    platform: 'slack',
    tenant: 'TSTATS',
    now: NOW,
    timeZones: ['UTC', 'Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Asia/Kathmandu'],
  });
  // A week with a reflection and no self-check, and a self-check with every rating but one skipped.
  const coach = repos.weeklyStats.allCoaches()[0];
  db.prepare(
    "INSERT INTO reflections (coach_id, text, created_at, local_date) VALUES (?, 'only a reflection', ?, '2026-10-07')",
  ).run(coach.id, NOW.toISOString());
  db.prepare("DELETE FROM self_checks WHERE coach_id = ? AND local_date BETWEEN '2026-10-05' AND '2026-10-11'").run(
    coach.id,
  );
  db.prepare("INSERT INTO self_checks (coach_id, checked_at, local_date, respect) VALUES (?, ?, '2026-10-30', 5)").run(
    coach.id,
    NOW.toISOString(),
  );
  afterAll(() => {
    db.close();
    t.cleanup();
  });

  const reference = (from: string, to: string, coachId?: number) =>
    db
      .prepare(
        `SELECT coach_id AS coachId, week, sum(c) AS checkIns, sum(1 - c) AS reflections,
           ${BEHAVIOUR_KEYS.map((k) => `total(${k}) AS ${k}_sum, count(${k}) AS ${k}_count`).join(', ')}
         FROM (SELECT coach_id, ${WEEK} AS week, 1 AS c, ${BEHAVIOUR_KEYS.join(', ')} FROM self_checks
                 WHERE local_date BETWEEN @from AND @to
               UNION ALL
               SELECT coach_id, ${WEEK}, 0, ${BEHAVIOUR_KEYS.map(() => 'NULL').join(', ')} FROM reflections
                 WHERE local_date BETWEEN @from AND @to)
         WHERE @coach IS NULL OR coach_id = @coach
         GROUP BY coach_id, week ORDER BY coach_id, week`,
      )
      .all({ from, to, coach: coachId ?? null })
      .map((row) => {
        const r = row as Record<string, number>;
        return {
          coachId: r.coachId,
          week: r.week,
          checkIns: r.checkIns,
          reflections: r.reflections,
          sums: Object.fromEntries(BEHAVIOUR_KEYS.map((k) => [k, r[`${k}_sum`]])),
          counts: Object.fromEntries(BEHAVIOUR_KEYS.map((k) => [k, r[`${k}_count`]])),
        };
      });

  it('totals per coach and week match, for everyone and for one coach, in order', () => {
    for (const [from, to] of [
      ['2026-09-28', '2026-11-22'],
      ['2026-01-01', '2026-11-30'],
      ['2025-06-02', '2025-06-08'],
    ]) {
      const all = repos.weeklyStats.coachWeekTotals(from, to);
      expect(all.length).toBeGreaterThan(0);
      expect(all).toEqual(reference(from, to));
      expect(repos.weeklyStats.coachWeekTotals(from, to, coach.id)).toEqual(reference(from, to, coach.id));
    }
    const week = weekNumber('2026-10-05');
    const [only, ...more] = repos.weeklyStats.coachWeekTotals('2026-10-05', '2026-10-11', coach.id);
    expect(more).toEqual([]);
    expect(only).toMatchObject({ coachId: coach.id, week, checkIns: 0 });
    expect(only.reflections).toBeGreaterThan(0);
  });

  it('active weeks for many coaches at once match', () => {
    const ids = repos.weeklyStats.allCoaches().map((c) => c.id);
    const active = repos.weeklyStats.activeWeeks(ids, '2026-01-05', '2026-11-22');
    const expected = db
      .prepare(
        `SELECT coach_id, ${WEEK} AS week FROM self_checks WHERE local_date BETWEEN '2026-01-05' AND '2026-11-22'
         UNION SELECT coach_id, ${WEEK} FROM reflections WHERE local_date BETWEEN '2026-01-05' AND '2026-11-22'`,
      )
      .all() as { coach_id: number; week: number }[];
    expect(expected.length).toBeGreaterThan(0);
    for (const id of ids) {
      const weeks = expected.filter((e) => e.coach_id === id).map((e) => e.week);
      expect([...(active.get(id) ?? [])].sort((a, b) => a - b)).toEqual(weeks.sort((a, b) => a - b));
    }
  });

  it('streaks, long ones included, are the weeks in a row with a self-check or a reflection', () => {
    const trellis = new Trellis({
      repos,
      catalog,
      clock: { now: () => NOW },
      log: createLogger('silent'),
      defaultTimeZone: 'UTC',
      minGroupSize: 3,
    });
    const active = new Set(
      (
        db
          .prepare(
            `SELECT coach_id || ':' || ${WEEK} FROM self_checks UNION SELECT coach_id || ':' || ${WEEK} FROM reflections`,
          )
          .pluck()
          .all() as string[]
      ).map(String),
    );
    const summaries = trellis.weekly.allSummaries(NOW);
    expect(summaries.length).toBeGreaterThan(30);
    let long = 0;
    for (const { coach: c, summary } of summaries) {
      // The one streak every view shows (countStreak): up to the coach's today, whose week counts once it is active.
      let week = weekNumber(localDate(NOW, c.settings.timeZone));
      if (!active.has(`${c.id}:${week}`)) week--;
      let streak = 0;
      while (active.has(`${c.id}:${week}`)) {
        streak++;
        week--;
      }
      expect(summary.streak).toBe(streak);
      if (streak > 16) long++;
    }
    // The seeded history is long enough for streaks beyond two windows of 8 weeks.
    expect(long).toBeGreaterThan(0);
  });
});
