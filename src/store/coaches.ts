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
  return {
    id: row.id,
    platform: row.platform,
    tenant: row.tenant,
    user: row.user_id,
    displayName: row.display_name,
    settings: {
      promptTime: row.prompt_time,
      promptDays: row.prompt_days.split(',').filter(Boolean).map(Number) as Weekday[],
      timeZone: row.time_zone,
      level: row.level,
      workingToward: row.working_toward,
      practices: readPractices(row.practices),
      pausedUntil: row.paused_until,
    },
    timeZoneSetByCoach: row.time_zone_set_by_coach === 1,
    createdAt: row.created_at,
    welcomedAt: row.welcomed_at,
  };
}

/** The stored list ("private,virtual"): known practices only, in PRACTICES order. */
const KNOWN_PRACTICES: ReadonlySet<string> = new Set<string>(PRACTICES);

function readPractices(stored: string): Practice[] {
  if (stored === '') return [];
  return sortPractices(stored.split(',').filter((p): p is Practice => KNOWN_PRACTICES.has(p)));
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
