import { BEHAVIOUR_KEYS, type BehaviourKey } from '../core/behaviours';
import { HIGH_MEAN } from '../core/group-figures';
import type { CoachWeekTotals } from '../core/groups';
import type { WeeklyStatsRepository } from '../core/ports';
import { weekAt, weekNumber } from '../core/trends';
import { type CoachWindow, firstActiveWeek, WINDOW_SLOT } from '../core/week-window';
import { COACH_COLUMNS, type CoachRow, type CoachValues, coachFromValues, toCoach } from './coaches';
import type { Db } from './db';

function perBehaviour(row: Record<string, number>, suffix: string): Record<BehaviourKey, number> {
  const out = {} as Record<BehaviourKey, number>;
  for (const key of BEHAVIOUR_KEYS) out[key] = row[`${key}_${suffix}`];
  return out;
}

/** A self-check's six ratings in one integer, 3 bits each in BEHAVIOUR_KEYS order (0 for a skipped one). */
const PACKED_RATINGS = BEHAVIOUR_KEYS.map((k, i) => `(coalesce(s.${k}, 0) << ${3 * i})`).join(' | ');
/** Characters of a local date ("2026-11-16") at the start of each list item. */
const DATE_LENGTH = 10;

/**
 * The window's self-checks and reflections, one row per coach: a list of its self-checks (each its local date
 * followed by its packed ratings, "2026-11-16" + "12345") and a list of the local dates of its reflections, comma
 * separated. Each list is read from the coach's (coach, date) index; coaches are read in rowid order, so nothing is
 * sorted in a temporary b-tree. One row per coach instead of one per coach and week (or per check-in) is what makes
 * it cheap: most of a raw aggregate's cost is sorting its rows into groups and handing each row's values to
 * JavaScript. The week of each date is worked out in JavaScript (`weekAt`), which costs less than `julianday` for
 * every row in SQL (see "Weekly summaries" in the README for the figures). `foldCoach` sums the lists per week.
 */
export const coachWindowSql = (where: string) => `
  SELECT c.id,
    (SELECT group_concat(s.local_date || (${PACKED_RATINGS})) FROM self_checks s
      WHERE s.coach_id = c.id AND s.local_date BETWEEN @from AND @to),
    (SELECT group_concat(s.local_date) FROM reflections s
      WHERE s.coach_id = c.id AND s.local_date BETWEEN @from AND @to)
  FROM coaches c ${where} ORDER BY c.id`;

type WindowRow = [coachId: number, checks: string | null, reflections: string | null];

/** The week of every date in a comma-separated list of local dates, in order, written into `out` (reused). */
function dateWeeks(list: string, out: number[]): number[] {
  out.length = 0;
  for (let i = 0; i < list.length; i += DATE_LENGTH + 1) out.push(weekAt(list, i));
  return out;
}
const weeksRead: number[] = [];

/**
 * One coach's row of `coachWindowSql` folded into `window` (reused from coach to coach): check-ins, reflections and
 * the ratings' sums and counts per week of the window (see CoachWindow). Dates outside it are left out.
 */
function foldCoach(row: WindowRow, window: CoachWindow): CoachWindow {
  const [coachId, checks, reflections] = row;
  const { acc, firstWeek } = window;
  window.coachId = coachId;
  acc.fill(0);
  if (checks !== null) {
    let i = 0;
    while (i < checks.length) {
      const at = (weekAt(checks, i) - firstWeek) * WINDOW_SLOT;
      i += DATE_LENGTH;
      let packed = 0;
      for (let c = checks.charCodeAt(i); i < checks.length && c !== 44; c = checks.charCodeAt(++i)) {
        packed = packed * 10 + (c - 48);
      }
      i++;
      if (at < 0 || at >= acc.length) continue;
      acc[at]++;
      for (let r = 2; r < WINDOW_SLOT; r += 2) {
        const rating = packed & 7;
        packed >>= 3;
        if (rating === 0) continue;
        acc[at + r] += rating;
        acc[at + r + 1]++;
      }
    }
  }
  if (reflections !== null) {
    for (const week of dateWeeks(reflections, weeksRead)) {
      const at = (week - firstWeek) * WINDOW_SLOT;
      if (at >= 0 && at < acc.length) acc[at + 1]++;
    }
  }
  return window;
}

/**
 * Rows of `coachWindowSql` for dates in weeks [firstWeek, lastWeek], coach by coach and only as they are asked for,
 * each folded into one CoachWindow that is reused for the next coach (so a weekly run makes no object per coach and
 * week); coaches with neither a self-check nor a reflection in the window are left out.
 */
function* foldWindows(
  rows: readonly WindowRow[],
  firstWeek: number,
  lastWeek: number,
): Generator<CoachWindow, void, undefined> {
  const window: CoachWindow = {
    coachId: 0,
    firstWeek,
    acc: new Float64Array((lastWeek - firstWeek + 1) * WINDOW_SLOT),
  };
  for (const row of rows) {
    if (row[1] === null && row[2] === null) continue;
    if (firstActiveWeek(foldCoach(row, window)) !== undefined) yield window;
  }
}

/** One coach's window as totals per week with data, in week order (what `coachWeekTotals` returns). */
function windowTotals(window: CoachWindow): CoachWeekTotals[] {
  const { acc } = window;
  const out: CoachWeekTotals[] = [];
  for (let at = 0; at < acc.length; at += WINDOW_SLOT) {
    if (acc[at] === 0 && acc[at + 1] === 0) continue;
    const sums = {} as Record<BehaviourKey, number>;
    const counts = {} as Record<BehaviourKey, number>;
    BEHAVIOUR_KEYS.forEach((key, b) => {
      sums[key] = acc[at + 2 + 2 * b];
      counts[key] = acc[at + 3 + 2 * b];
    });
    out.push({
      coachId: window.coachId,
      week: window.firstWeek + at / WINDOW_SLOT,
      checkIns: acc[at],
      reflections: acc[at + 1],
      sums,
      counts,
    });
  }
  return out;
}

/** Aggregate reads for weekly summaries and digests; each is one statement over a date range. */
export function weeklyStatsRepository(db: Db): WeeklyStatsRepository {
  const allCoaches = db.prepare<[], CoachValues>(`SELECT ${COACH_COLUMNS} FROM coaches ORDER BY id`).raw(true);
  const byUser = db.prepare<[string], CoachRow>('SELECT * FROM coaches WHERE user_id = ? ORDER BY id');
  // Rows come back as arrays (raw mode): one per coach, so no per-row object with named fields.
  const windowAll = db.prepare<[{ from: string; to: string }], WindowRow>(coachWindowSql('')).raw(true);
  const windowOne = db
    .prepare<[{ from: string; to: string; coach: number }], WindowRow>(coachWindowSql('WHERE c.id = @coach'))
    .raw(true);
  // Week numbers with a self-check or a reflection, for many coaches at once (a JSON array of ids): one statement
  // per block of weeks instead of one per coach, each coach read from its (coach, date) indexes.
  const activeWeeksOf = db
    .prepare<[{ ids: string; from: string; to: string }], [number, string | null, string | null]>(
      `SELECT j.value,
         (SELECT group_concat(s.local_date) FROM self_checks s
           WHERE s.coach_id = j.value AND s.local_date BETWEEN @from AND @to),
         (SELECT group_concat(s.local_date) FROM reflections s
           WHERE s.coach_id = j.value AND s.local_date BETWEEN @from AND @to)
       FROM json_each(@ids) j`,
    )
    .raw(true);
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

  // The rows (one short list per coach) are read at once, so the connection is free while they are folded.
  const windowRows = (from: string, to: string, coachId?: number) =>
    coachId === undefined ? windowAll.all({ from, to }) : windowOne.all({ from, to, coach: coachId });

  return {
    allCoaches: () => allCoaches.all().map(coachFromValues),
    coachesByUser: (user) => byUser.all(user).map(toCoach),
    eachCoachWindow: (from, to, coachId) =>
      foldWindows(windowRows(from, to, coachId), weekNumber(from), weekNumber(to)),
    coachWeekTotals(from, to, coachId) {
      // Each window is turned into objects before the next coach is folded into it.
      const out: CoachWeekTotals[] = [];
      for (const window of foldWindows(windowRows(from, to, coachId), weekNumber(from), weekNumber(to))) {
        out.push(...windowTotals(window));
      }
      return out;
    },
    activeWeeks(coachIds, from, to) {
      const out = new Map<number, Set<number>>();
      for (const [id, checks, reflections] of activeWeeksOf.all({ ids: JSON.stringify(coachIds), from, to })) {
        const weeks = new Set<number>();
        for (const list of [checks, reflections])
          if (list !== null) for (const w of dateWeeks(list, weeksRead)) weeks.add(w);
        out.set(id, weeks);
      }
      return out;
    },
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
