import type { Message } from './message';
import type { Coach, CoachRef, Platform, PromptIssue, Reflection, SelfCheck, Settings } from './model';

/** Time is a parameter: nothing in core calls `new Date()` on its own. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Structured logging. Callers pass ids and counts, never note or reflection text. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export interface CoachRepository {
  /** Finds the coach or creates them with the given defaults. */
  upsert(ref: CoachRef, defaults: Settings, displayName?: string | null): Coach;
  find(ref: CoachRef): Coach | undefined;
  byId(id: number): Coach | undefined;
  updateSettings(id: number, settings: Settings, timeZoneSetByCoach: boolean): Coach;
  count(): number;
}

/**
 * A self-check to store. `requestKey` is a platform's id for the request (Slack trigger id, Teams activity id):
 * a retry with the same key records nothing.
 */
export type NewSelfCheck = Omit<SelfCheck, 'id'> & { requestKey?: string };

export interface SelfCheckRepository {
  /** Returns the stored check and whether it was new (false when `requestKey` was seen before). */
  add(check: NewSelfCheck): { check: SelfCheck; created: boolean };
  /** Most recent first. */
  recent(coachId: number, limit: number): SelfCheck[];
  /** Checks with localDate in [fromDate, toDate], oldest first. */
  between(coachId: number, fromDate: string, toDate: string): SelfCheck[];
  count(coachId?: number): number;
}

export type NewReflection = Omit<Reflection, 'id'> & { requestKey?: string };

export interface ReflectionRepository {
  add(reflection: NewReflection): { reflection: Reflection; created: boolean };
  recent(coachId: number, limit: number): Reflection[];
  between(coachId: number, fromDate: string, toDate: string): Reflection[];
  count(coachId?: number): number;
}

export interface PromptIssueRepository {
  /** Records that `promptId` is the coach's prompt for `localDate`; returns the existing row if there is one. */
  issue(coachId: number, promptId: string, localDate: string, issuedAt: string): PromptIssue;
  forDate(coachId: number, localDate: string): PromptIssue | undefined;
  byId(id: number): PromptIssue | undefined;
  /** The most recent prompt, whatever its status. */
  latest(coachId: number): PromptIssue | undefined;
  /** Every prompt id issued to the coach, oldest first. */
  history(coachId: number): string[];
  setStatus(id: number, status: PromptIssue['status']): void;
}

export interface Repositories {
  coaches: CoachRepository;
  selfChecks: SelfCheckRepository;
  reflections: ReflectionRepository;
  promptIssues: PromptIssueRepository;
  /** Runs `work` in one transaction: all of it is stored, or none. */
  transaction<T>(work: () => T): T;
  privacy: PrivacyRepository;
}

/** Everything stored about one coach, decrypted: what an export contains. */
export interface CoachData {
  coach: Coach;
  selfChecks: SelfCheck[];
  reflections: Reflection[];
  promptIssues: PromptIssue[];
}

/** Who did what to whose data, when: ids and counts only, never content. */
export interface AuditEntry {
  at: string;
  coachId: number | null;
  action: 'export' | 'delete' | 'share' | 'purge' | 'rotate_key' | 'encrypt';
  /** "coach" when the coach asked, "admin" for the CLI, "scheduler" for retention. */
  actor: string;
  /** Ids of the objects concerned, or counts; never text. */
  objectIds: Record<string, number | number[] | string | null>;
}

export interface PrivacyRepository {
  /** Every row about the coach, oldest first; undefined when there is no such coach. */
  coachData(coachId: number): CoachData | undefined;
  /**
   * Removes the coach and every row that refers to them (through foreign keys, whatever the table), and records
   * the deletion in the audit log with the counts, in one transaction; then overwrites the freed space.
   * Returns rows removed per table; undefined when there was no coach.
   */
  deleteCoach(coachId: number, audit: { at: string; actor: string }): Record<string, number> | undefined;
  /**
   * Clears notes of self-checks and removes reflections from before `cutoff` (an ISO instant); ratings stay.
   * A purge that removed anything is audited in the same transaction.
   */
  purgeTextBefore(cutoff: string, audit: { at: string; actor: string }): { notes: number; reflections: number };
  audit(entry: AuditEntry): void;
  /** Audit entries about one coach, oldest first. */
  auditFor(coachId: number): AuditEntry[];
}

/** Sends to a coach's private conversation on one platform. Platform adapters implement it. */
export interface Messenger {
  readonly platform: Platform;
  /**
   * Sends `message` to the coach's DM. `deliveryKey` identifies this delivery; platforms that can carry it
   * (Slack message metadata) do, so `wasDelivered` can find it after a crash. Throws DeliveryError on failure.
   */
  sendDirect(coach: Coach, message: Message, deliveryKey: string): Promise<{ messageId?: string }>;
  /** After a crash: did a send with this key reach the coach? undefined when the platform cannot tell. */
  wasDelivered?(coach: Coach, deliveryKey: string): Promise<boolean | undefined>;
}

/** Events a platform may deliver more than once (Slack retries): each id is handled once. */
export interface InboundEventRepository {
  /**
   * Claims the event for handling. False when it was handled already, or another attempt claimed it after
   * `staleBefore` and may still be working on it; a claim older than that, never finished, is taken over.
   */
  claim(platform: string, eventId: string, now: string, staleBefore: string): boolean;
  finish(platform: string, eventId: string, now: string): void;
  /** Forgets events received before `before`; platforms stop retrying long before. */
  purge(before: string): number;
}

/**
 * A durability barrier for writes that a platform acknowledges: `run` executes `work` (synchronous core calls) in a
 * transaction it may share with other work submitted at about the same time (group commit), and resolves with the
 * work's result only once that transaction is committed. A work that throws is rolled back alone and rejects.
 */
export interface WriteBatcher {
  run<T>(work: () => T): Promise<T>;
}
