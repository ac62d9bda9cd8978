import { BEHAVIOUR_KEYS, type BehaviourKey } from '../core/behaviours';
import { HIGH_MEAN } from '../core/group-figures';
import type { CoachWeekTotals } from '../core/groups';
import type { WeeklyStatsRepository } from '../core/ports';
import { type CoachRow, toCoach } from './coaches';
import type { Db } from './db';

/** SQL for `weekNumber` in core/trends.ts: whole weeks since Monday 1970-01-05 (julian day 2440591.5). */
const WEEK = 'CAST((julianday(s.local_date) - 2440591.5) / 7 AS INTEGER)';

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
  // Members at the week's close, then one week mean per member and behaviour, then per group: how many rated each
  // behaviour and how many of those means reach HIGH_MEAN. Only the counts leave SQL.
  const groupWeekShares = db.prepare<
    [{ group: number; from: string; to: string; close: string; high: number }],
    Record<string, number>
  >(`
    WITH members AS (
      SELECT coach_id FROM group_members
      WHERE group_id = @group AND joined_at <= @close AND (left_at IS NULL OR left_at > @close)
    ), per_member AS (
      SELECT ${BEHAVIOUR_KEYS.map((k) => `avg(s.${k}) AS ${k}`).join(', ')}
      FROM members m JOIN self_checks s ON s.coach_id = m.coach_id
      -- Dated in the week and made before it closed: a member further west checking in on their Sunday evening,
      -- after the group's week closed, counts towards nothing, so the figures are those of the close.
      WHERE s.local_date BETWEEN @from AND @to AND s.checked_at < @close
      GROUP BY m.coach_id
    )
    SELECT (SELECT count(*) FROM members) AS members, count(*) AS contributors,
      ${BEHAVIOUR_KEYS.map((k) => `count(${k}) AS ${k}_raters, total(${k} >= @high) AS ${k}_high`).join(', ')}
    FROM per_member`);

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
    groupWeekShares(groupId, from, to, closeAt) {
      const row = groupWeekShares.get({ group: groupId, from, to, close: closeAt, high: HIGH_MEAN }) as Record<
        string,
        number
      >;
      return {
        membersAtClose: row.members,
        contributors: row.contributors,
        raters: perBehaviour(row, 'raters'),
        high: perBehaviour(row, 'high'),
      };
    },
  };
}
