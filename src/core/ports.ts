import type { Coach, CoachRef, PromptIssue, Ratings, Reflection, SelfCheck, Settings } from './model';

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

export interface NewSelfCheck {
  coachId: number;
  checkedAt: string;
  localDate: string;
  ratings: Ratings;
  note: string | null;
  /** A platform's id for the request (Slack trigger id, Teams activity id): a retry with the same key records nothing. */
  requestKey?: string;
}

export interface SelfCheckRepository {
  /** Returns the stored check and whether it was new (false when `requestKey` was seen before). */
  add(check: NewSelfCheck): { check: SelfCheck; created: boolean };
  /** Most recent first. */
  recent(coachId: number, limit: number): SelfCheck[];
  /** Checks with localDate in [fromDate, toDate], oldest first. */
  between(coachId: number, fromDate: string, toDate: string): SelfCheck[];
  count(coachId?: number): number;
}

export interface NewReflection {
  coachId: number;
  promptIssueId: number | null;
  promptId: string | null;
  text: string;
  createdAt: string;
  localDate: string;
  requestKey?: string;
}

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
}

/** Sends to a coach's private conversation on one platform. Platform adapters implement it. */
export interface Messenger {
  readonly platform: import('./model').Platform;
  /**
   * Sends `message` to the coach's DM. `deliveryKey` identifies this delivery; platforms that can carry it
   * (Slack message metadata) do, so `wasDelivered` can find it after a crash. Throws DeliveryError on failure.
   */
  sendDirect(coach: Coach, message: import('./message').Message, deliveryKey: string): Promise<{ messageId?: string }>;
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
