import type { Coach, Platform, PromptIssue } from '../core/model';
import { toCoach } from './coaches';
import type { Db } from './db';

export { nextDueUtc } from './next-due';

export interface DueCoach {
  coach: Coach;
  nextDueUtc: string;
}

export interface SnoozedPrompt {
  coach: Coach;
  issue: PromptIssue;
}

/** The per-minute due query and the coach-side writes of the scheduler. */
export interface ScheduleStore {
  /** Coaches on `platform` whose next due instant is at or before `now`, earliest first (indexed range scan). */
  dueCoaches(platform: Platform, now: string, limit: number): DueCoach[];
  setNextDue(coachId: number, nextDue: string | null): void;
  /** Coaches with no next due instant who should have one (schema just upgraded): backfilled by the tick. */
  missingNextDue(limit: number): Coach[];
  /** The coach blocked the bot or left: no more sends until they write again. */
  markUnreachable(coachId: number, reason: string, now: string): void;
  isUnreachable(coachId: number): boolean;
  /** Prompts snoozed on `fromDate` or later, with their coach. */
  snoozedSince(fromDate: string): SnoozedPrompt[];
  /** Runs `work` in an IMMEDIATE transaction: two processes planning at once take turns. */
  immediate<T>(work: () => T): T;
}

type CoachRowWithDue = Parameters<typeof toCoach>[0] & { next_due_utc: string };

export function scheduleStore(db: Db): ScheduleStore {
  const due = db.prepare<[string, string, number], CoachRowWithDue>(
    `SELECT * FROM coaches WHERE platform = ? AND next_due_utc <= ? ORDER BY next_due_utc LIMIT ?`,
  );
  const setNextDue = db.prepare('UPDATE coaches SET next_due_utc = ? WHERE id = ?');
  const missing = db.prepare<[number], CoachRowWithDue>(
    'SELECT * FROM coaches WHERE next_due_utc IS NULL AND unreachable_since IS NULL LIMIT ?',
  );
  const unreachable = db.prepare(
    'UPDATE coaches SET unreachable_since = ?, unreachable_reason = ?, next_due_utc = NULL WHERE id = ?',
  );
  const isUnreachable = db.prepare<[number], { u: string | null }>(
    'SELECT unreachable_since AS u FROM coaches WHERE id = ?',
  );
  const snoozed = db.prepare<
    [string],
    CoachRowWithDue & { issue_id: number; prompt_id: string; issue_date: string; issued_at: string }
  >(
    `SELECT c.*, p.id AS issue_id, p.prompt_id, p.local_date AS issue_date, p.issued_at
     FROM prompt_issues p JOIN coaches c ON c.id = p.coach_id
     WHERE p.status = 'snoozed' AND p.local_date >= ?`,
  );

  return {
    dueCoaches: (platform, now, limit) =>
      due.all(platform, now, limit).map((row) => ({ coach: toCoach(row), nextDueUtc: row.next_due_utc })),
    setNextDue(coachId, nextDue) {
      setNextDue.run(nextDue, coachId);
    },
    missingNextDue: (limit) => missing.all(limit).map(toCoach),
    markUnreachable(coachId, reason, now) {
      unreachable.run(now, reason, coachId);
    },
    isUnreachable: (coachId) => Boolean(isUnreachable.get(coachId)?.u),
    snoozedSince: (fromDate) =>
      snoozed.all(fromDate).map((row) => ({
        coach: toCoach(row),
        issue: {
          id: row.issue_id,
          coachId: row.id,
          promptId: row.prompt_id,
          localDate: row.issue_date,
          issuedAt: row.issued_at,
          status: 'snoozed',
        },
      })),
    immediate: <T>(work: () => T): T => db.transaction(work).immediate(),
  };
}
