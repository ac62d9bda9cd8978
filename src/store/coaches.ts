import type { Coach, CoachRef, Level, Platform, Settings, Weekday } from '../core/model';
import type { CoachRepository } from '../core/ports';
import { PRACTICES, type Practice, sortPractices } from '../core/practice';
import type { Db } from './db';
import { nextDueUtc } from './next-due';

export interface CoachRow {
  id: number;
  platform: Platform;
  tenant: string;
  user_id: string;
  display_name: string | null;
  prompt_time: string;
  prompt_days: string;
  time_zone: string;
  level: Level | null;
  working_toward: Level | null;
  practices: string;
  welcomed_at: string | null;
  paused_until: string | null;
  time_zone_set_by_coach: number;
  created_at: string;
}

export function toCoach(row: CoachRow): Coach {
  return coachFromValues([
    row.id,
    row.platform,
    row.tenant,
    row.user_id,
    row.display_name,
    row.prompt_time,
    row.prompt_days,
    row.time_zone,
    row.level,
    row.working_toward,
    row.practices,
    row.paused_until,
    row.time_zone_set_by_coach,
    row.created_at,
    row.welcomed_at,
  ]);
}

/** A coach's columns in the order of `CoachValues`, for reads of every coach as arrays (raw mode). */
export const COACH_COLUMNS = `id, platform, tenant, user_id, display_name, prompt_time, prompt_days, time_zone, level,
  working_toward, practices, paused_until, time_zone_set_by_coach, created_at, welcomed_at`;
export type CoachValues = [
  id: number,
  platform: Platform,
  tenant: string,
  user: string,
  displayName: string | null,
  promptTime: string,
  promptDays: string,
  timeZone: string,
  level: Level | null,
  workingToward: Level | null,
  practices: string,
  pausedUntil: string | null,
  timeZoneSetByCoach: number,
  createdAt: string,
  welcomedAt: string | null,
];

/**
 * `toCoach` for a row of COACH_COLUMNS read as an array: a weekly run reads every coach, and better-sqlite3 makes
 * an array of values for about half the cost of an object with a property per column.
 */
export function coachFromValues(v: CoachValues): Coach {
  return {
    id: v[0],
    platform: v[1],
    tenant: v[2],
    user: v[3],
    displayName: v[4],
    settings: {
      promptTime: v[5],
      promptDays: readDays(v[6]),
      timeZone: v[7],
      level: v[8],
      workingToward: v[9],
      practices: readPractices(v[10]),
      pausedUntil: v[11],
    },
    timeZoneSetByCoach: v[12] === 1,
    createdAt: v[13],
    welcomedAt: v[14],
  };
}

const KNOWN_PRACTICES = new Set<string>(PRACTICES);
/** Parsed lists by their stored text: coaches share a few dozen of each, and a weekly run reads every coach. */
const parsedPractices = new Map<string, readonly Practice[]>();
const parsedDays = new Map<string, readonly Weekday[]>();
/** Bounds each memo; a table of distinct values beyond it is parsed each time. */
const PARSED_KEPT = 1_000;

/** `parse(stored)` through `memo`, as a fresh array each time (a caller may change its coach's lists). */
function parsedList<T>(memo: Map<string, readonly T[]>, stored: string, parse: (s: string) => T[]): T[] {
  let list = memo.get(stored);
  if (list === undefined) {
    list = parse(stored);
    if (memo.size < PARSED_KEPT) memo.set(stored, list);
  }
  return list.slice();
}

/** The stored list ("private,virtual"): known practices only, in PRACTICES order. */
function readPractices(stored: string): Practice[] {
  if (stored === '') return [];
  return parsedList(parsedPractices, stored, (s) =>
    sortPractices(s.split(',').filter((p): p is Practice => KNOWN_PRACTICES.has(p))),
  );
}

/** The stored prompt days ("1,2,3,4,5"). */
function readDays(stored: string): Weekday[] {
  return parsedList(parsedDays, stored, (s) => s.split(',').filter(Boolean).map(Number) as Weekday[]);
}

export function coachRepository(db: Db, now: () => Date): CoachRepository {
  const find = db.prepare<[string, string, string], CoachRow>(
    'SELECT * FROM coaches WHERE platform = ? AND tenant = ? AND user_id = ?',
  );
  const welcomedAt = db
    .prepare<[string, string, string], string | null>(
      'SELECT welcomed_at FROM coaches WHERE platform = ? AND tenant = ? AND user_id = ?',
    )
    .pluck();
  const byId = db.prepare<[number], CoachRow>('SELECT * FROM coaches WHERE id = ?');
  const insert = db.prepare(
    `INSERT INTO coaches (platform, tenant, user_id, display_name, prompt_time, prompt_days, time_zone, level,
       working_toward, practices, paused_until, created_at)
     VALUES (@platform, @tenant, @user, @displayName, @promptTime, @promptDays, @timeZone, @level, @workingToward,
       @practices, @pausedUntil, @createdAt)
     ON CONFLICT (platform, tenant, user_id) DO NOTHING`,
  );
  const update = db.prepare(
    `UPDATE coaches SET prompt_time = @promptTime, prompt_days = @promptDays, time_zone = @timeZone, level = @level,
       working_toward = @workingToward, practices = @practices, paused_until = @pausedUntil,
       time_zone_set_by_coach = @setByCoach WHERE id = @id`,
  );
  const markWelcomed = db.prepare('UPDATE coaches SET welcomed_at = ? WHERE id = ? AND welcomed_at IS NULL');
  const setName = db.prepare('UPDATE coaches SET display_name = ? WHERE id = ?');
  const count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM coaches');
  // Scheduling: the next due instant follows every settings change; a coach who writes again is reachable again.
  const setNextDue = db.prepare('UPDATE coaches SET next_due_utc = ? WHERE id = ?');
  const reachableAgain = db.prepare(
    'UPDATE coaches SET unreachable_since = NULL, unreachable_reason = NULL, next_due_utc = ? WHERE id = ? AND unreachable_since IS NOT NULL',
  );

  return {
    upsert(ref: CoachRef, defaults: Settings, displayName?: string | null): Coach {
      let row = find.get(ref.platform, ref.tenant, ref.user);
      if (!row) {
        insert.run({
          ...ref,
          displayName: displayName ?? null,
          promptTime: defaults.promptTime,
          promptDays: defaults.promptDays.join(','),
          timeZone: defaults.timeZone,
          level: defaults.level,
          workingToward: defaults.workingToward,
          practices: sortPractices(defaults.practices).join(','),
          pausedUntil: defaults.pausedUntil,
          createdAt: now().toISOString(),
        });
        row = find.get(ref.platform, ref.tenant, ref.user) as CoachRow;
        setNextDue.run(nextDueUtc(toCoach(row).settings, now()), row.id);
      } else if (displayName && displayName !== row.display_name) {
        setName.run(displayName, row.id);
        row.display_name = displayName;
      }
      if ((row as { unreachable_since?: string | null }).unreachable_since) {
        reachableAgain.run(nextDueUtc(toCoach(row).settings, now()), row.id);
      }
      return toCoach(row);
    },
    find(ref) {
      const row = find.get(ref.platform, ref.tenant, ref.user);
      return row ? toCoach(row) : undefined;
    },
    welcomed(ref) {
      const at = welcomedAt.get(ref.platform, ref.tenant, ref.user);
      return at === undefined ? undefined : at !== null;
    },
    byId(id) {
      const row = byId.get(id);
      return row ? toCoach(row) : undefined;
    },
    updateSettings(id, settings, timeZoneSetByCoach) {
      update.run({
        id,
        promptTime: settings.promptTime,
        promptDays: settings.promptDays.join(','),
        timeZone: settings.timeZone,
        level: settings.level,
        workingToward: settings.workingToward,
        practices: sortPractices(settings.practices).join(','),
        pausedUntil: settings.pausedUntil,
        setByCoach: timeZoneSetByCoach ? 1 : 0,
      });
      setNextDue.run(nextDueUtc(settings, now()), id);
      const row = byId.get(id);
      if (!row) throw new Error(`coach ${id} not found`);
      return toCoach(row);
    },
    markWelcomed: (id, at) => markWelcomed.run(at, id).changes === 1,
    count: () => (count.get() as { n: number }).n,
  };
}
