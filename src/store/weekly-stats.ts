import { BEHAVIOUR_KEYS, type BehaviourKey } from '../core/behaviours';
import type { CoachWeekTotals } from '../core/groups';
import type { WeeklyStatsRepository } from '../core/ports';
import { type CoachRow, toCoach } from './coaches';
import type { Db } from './db';

/** SQL for `weekNumber` in core/trends.ts: whole weeks since Monday 1970-01-05 (julian day 2440591.5). */
const WEEK = 'CAST((julianday(s.local_date) - 2440591.5) / 7 AS INTEGER)';

const SUMS = BEHAVIOUR_KEYS.map((k) => `total(s.${k}) AS ${k}_sum, count(s.${k}) AS ${k}_n`).join(', ');

type TotalsRow = { week: number; check_ins: number } & Record<string, number>;

function perBehaviour(row: Record<string, number>, suffix: string): Record<BehaviourKey, number> {
  const out = {} as Record<BehaviourKey, number>;
  for (const key of BEHAVIOUR_KEYS) out[key] = row[`${key}_${suffix}`];
  return out;
}

/** Aggregate reads for weekly summaries and digests; each is one statement over a date range. */
export function weeklyStatsRepository(db: Db): WeeklyStatsRepository {
  const allCoaches = db.prepare<[], CoachRow>('SELECT * FROM coaches ORDER BY id');
  const byUser = db.prepare<[string], CoachRow>('SELECT * FROM coaches WHERE user_id = ? ORDER BY id');
  // Rows come back as arrays (raw mode): tens of thousands of them, so no per-row object with named fields.
  const coachTotalsAll = db
    .prepare<[string, string], number[]>(
      `SELECT s.coach_id, ${WEEK} AS week, count(*) AS check_ins, ${SUMS}
       FROM self_checks s WHERE s.local_date BETWEEN ? AND ? GROUP BY s.coach_id, week`,
    )
    .raw(true);
  const coachTotalsOne = db
    .prepare<[string, string, number], number[]>(
      `SELECT s.coach_id, ${WEEK} AS week, count(*) AS check_ins, ${SUMS}
       FROM self_checks s WHERE s.local_date BETWEEN ? AND ? AND s.coach_id = ? GROUP BY week`,
    )
    .raw(true);
  const reflectionsAll = db.prepare<[string, string], { coach_id: number; week: number; n: number }>(
    `SELECT s.coach_id, ${WEEK} AS week, count(*) AS n
     FROM reflections s WHERE s.local_date BETWEEN ? AND ? GROUP BY s.coach_id, week`,
  );
  const reflectionsOne = db.prepare<[string, string, number], { coach_id: number; week: number; n: number }>(
    `SELECT s.coach_id, ${WEEK} AS week, count(*) AS n
     FROM reflections s WHERE s.local_date BETWEEN ? AND ? AND s.coach_id = ? GROUP BY week`,
  );
  const activeWeeks = db
    .prepare<[{ coach: number; from: string; to: string }], number>(
      `SELECT ${WEEK} AS week FROM self_checks s WHERE s.coach_id = @coach AND s.local_date BETWEEN @from AND @to
       UNION
       SELECT ${WEEK} AS week FROM reflections s WHERE s.coach_id = @coach AND s.local_date BETWEEN @from AND @to`,
    )
    .pluck();
  // Per member and week first, then per group: "raters" counts members, not check-ins.
  const groupTotalsSql = (where: string) => `
    WITH per_member AS (
      SELECT m.group_id, ${WEEK} AS week, count(*) AS check_ins,
        ${BEHAVIOUR_KEYS.map((k) => `total(s.${k}) AS ${k}_sum, count(s.${k}) AS ${k}_n`).join(', ')}
      FROM group_members m JOIN self_checks s ON s.coach_id = m.coach_id
      WHERE m.left_at IS NULL AND s.local_date BETWEEN ? AND ? ${where}
      GROUP BY m.group_id, week, m.coach_id
    )
    SELECT group_id, week, sum(check_ins) AS check_ins, count(*) AS contributors,
      ${BEHAVIOUR_KEYS.map((k) => `sum(${k}_sum) AS ${k}_sum, sum(${k}_n) AS ${k}_n, sum(${k}_n > 0) AS ${k}_raters`).join(', ')}
    FROM per_member GROUP BY group_id, week`;
  const groupTotalsAll = db.prepare<[string, string], TotalsRow & { group_id: number; contributors: number }>(
    groupTotalsSql(''),
  );
  const groupTotalsOne = db.prepare<[string, string, number], TotalsRow & { group_id: number; contributors: number }>(
    groupTotalsSql('AND m.group_id = ?'),
  );
  const memberCounts = db.prepare<[], { group_id: number; n: number }>(
    'SELECT group_id, count(*) AS n FROM group_members WHERE left_at IS NULL GROUP BY group_id',
  );

  // Columns: coach_id, week, check_ins, then a (sum, count) pair per behaviour in BEHAVIOUR_KEYS order.
  const toTotals = (row: number[]): CoachWeekTotals => {
    const sums = {} as Record<BehaviourKey, number>;
    const counts = {} as Record<BehaviourKey, number>;
    BEHAVIOUR_KEYS.forEach((key, i) => {
      sums[key] = row[3 + 2 * i];
      counts[key] = row[4 + 2 * i];
    });
    return { coachId: row[0], week: row[1], checkIns: row[2], sums, counts };
  };

  return {
    allCoaches: () => allCoaches.all().map(toCoach),
    coachesByUser: (user) => byUser.all(user).map(toCoach),
    coachWeekTotals: (from, to, coachId) =>
      (coachId === undefined ? coachTotalsAll.all(from, to) : coachTotalsOne.all(from, to, coachId)).map(toTotals),
    coachReflectionWeeks: (from, to, coachId) =>
      (coachId === undefined ? reflectionsAll.all(from, to) : reflectionsOne.all(from, to, coachId)).map((r) => ({
        coachId: r.coach_id,
        week: r.week,
        reflections: r.n,
      })),
    activeWeeks: (coachId, from, to) => activeWeeks.all({ coach: coachId, from, to }),
    groupWeekTotals: (from, to, groupId) =>
      (groupId === undefined ? groupTotalsAll.all(from, to) : groupTotalsOne.all(from, to, groupId)).map((row) => ({
        groupId: row.group_id,
        week: row.week,
        checkIns: row.check_ins,
        contributors: row.contributors,
        sums: perBehaviour(row, 'sum'),
        counts: perBehaviour(row, 'n'),
        raters: perBehaviour(row, 'raters'),
      })),
    groupMemberCounts: () => memberCounts.all().map((r) => ({ groupId: r.group_id, members: r.n })),
  };
}
