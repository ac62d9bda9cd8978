import { BEHAVIOUR_KEYS, type BehaviourKey } from '../core/behaviours';
import type { CoachWeekTotals } from '../core/groups';
import type { WeeklyStatsRepository } from '../core/ports';
import { type CoachRow, toCoach } from './coaches';
import type { Db } from './db';

/** SQL for `weekNumber` in core/trends.ts: whole weeks since Monday 1970-01-05 (julian day 2440591.5). */
const WEEK = 'CAST((julianday(s.local_date) - 2440591.5) / 7 AS INTEGER)';

type TotalsRow = { week: number; check_ins: number } & Record<string, number>;

function perBehaviour(row: Record<string, number>, suffix: string): Record<BehaviourKey, number> {
  const out = {} as Record<BehaviourKey, number>;
  for (const key of BEHAVIOUR_KEYS) out[key] = row[`${key}_${suffix}`];
  return out;
}

/**
 * Self-checks and reflections of the window in one pass, per coach and week. Self-checks are read coach by coach
 * (CROSS JOIN keeps coaches outside): one search each in the covering (coach, date) index, not a scan of them all.
 */
export const coachTotalsSql = (where: string) => `
  SELECT coach_id, week, sum(is_check) AS check_ins, sum(1 - is_check) AS reflections,
    ${BEHAVIOUR_KEYS.map((k) => `total(${k}), count(${k})`).join(', ')}
  FROM (
    SELECT s.coach_id, ${WEEK} AS week, 1 AS is_check, ${BEHAVIOUR_KEYS.join(', ')}
    FROM coaches c CROSS JOIN self_checks s ON s.coach_id = c.id
    WHERE s.local_date BETWEEN @from AND @to ${where}
    UNION ALL
    SELECT s.coach_id, ${WEEK}, 0, ${BEHAVIOUR_KEYS.map(() => 'NULL').join(', ')}
    FROM reflections s WHERE s.local_date BETWEEN @from AND @to ${where}
  ) GROUP BY coach_id, week ORDER BY coach_id, week`;

/** Aggregate reads for weekly summaries and digests; each is one statement over a date range. */
export function weeklyStatsRepository(db: Db): WeeklyStatsRepository {
  const allCoaches = db.prepare<[], CoachRow>('SELECT * FROM coaches ORDER BY id');
  const byUser = db.prepare<[string], CoachRow>('SELECT * FROM coaches WHERE user_id = ? ORDER BY id');
  // Rows come back as arrays (raw mode): tens of thousands of them, so no per-row object with named fields.
  const coachTotalsAll = db.prepare<[{ from: string; to: string }], number[]>(coachTotalsSql('')).raw(true);
  const coachTotalsOne = db
    .prepare<[{ from: string; to: string; coach: number }], number[]>(coachTotalsSql('AND s.coach_id = @coach'))
    .raw(true);
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

  // Columns: coach_id, week, check_ins, reflections, then a (sum, count) pair per behaviour in BEHAVIOUR_KEYS order.
  const toTotals = (row: number[]): CoachWeekTotals => {
    const sums = {} as Record<BehaviourKey, number>;
    const counts = {} as Record<BehaviourKey, number>;
    for (let i = 0; i < BEHAVIOUR_KEYS.length; i++) {
      sums[BEHAVIOUR_KEYS[i]] = row[4 + 2 * i];
      counts[BEHAVIOUR_KEYS[i]] = row[5 + 2 * i];
    }
    return { coachId: row[0], week: row[1], checkIns: row[2], reflections: row[3], sums, counts };
  };

  return {
    allCoaches: () => allCoaches.all().map(toCoach),
    coachesByUser: (user) => byUser.all(user).map(toCoach),
    coachWeekTotals: (from, to, coachId) =>
      (coachId === undefined ? coachTotalsAll.all({ from, to }) : coachTotalsOne.all({ from, to, coach: coachId })).map(
        toTotals,
      ),
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
