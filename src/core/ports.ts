import type { CoachWeekTotals, Group, GroupWeekTotals, NewGroup } from './groups';
import type { Coach, CoachRef, Platform, PromptIssue, Ratings, Reflection, SelfCheck, Settings } from './model';

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
  byId(id: number): Reflection | undefined;
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

/** Peer-supervision channels and who belongs to them. */
export interface GroupRepository {
  /** Registers the channel, or updates its name and digest schedule when it already is one. */
  register(group: NewGroup): { group: Group; created: boolean };
  find(platform: Platform, tenant: string, channelId: string): Group | undefined;
  byId(id: number): Group | undefined;
  all(): Group[];
  /** Adds the coach (again, after leaving); false when they already were a member. */
  join(groupId: number, coachId: number, at: string): boolean;
  /** False when the coach was not a member. */
  leave(groupId: number, coachId: number, at: string): boolean;
  isMember(groupId: number, coachId: number): boolean;
  memberCount(groupId: number): number;
  /** The groups the coach currently belongs to. */
  groupsOf(coachId: number): Group[];
}

/** Reflections a coach deliberately shared with a group. */
export interface SharedReflectionRepository {
  /** False when it was already shared with that group. */
  share(reflectionId: number, groupId: number, sharedAt: string): boolean;
  /** The groups a reflection is shared with. */
  groupsSharedWith(reflectionId: number): number[];
  /** Shared with the group after the instant `after` and up to `until` (ISO instants), oldest first. */
  between(groupId: number, after: string, until: string): { reflectionId: number; sharedAt: string }[];
}

/** Client company names a coach listed, so sharing can warn when a reflection mentions one. */
export interface ClientCompanyRepository {
  list(coachId: number): string[];
  replace(coachId: number, names: readonly string[]): void;
}

/** Set-based reads for weekly summaries and digests: one pass over a date range instead of one query per coach. */
export interface WeeklyStatsRepository {
  /** Every coach, for a weekly run. */
  allCoaches(): Coach[];
  /** Coaches whose platform user id is `user` (an admin's lookup). */
  coachesByUser(user: string): Coach[];
  /**
   * Per coach and week: self-check totals and reflection counts with local dates in [from, to], in one pass;
   * every coach, or only `coachId`, ordered by coach and week. Weeks with neither are left out.
   */
  coachWeekTotals(fromDate: string, toDate: string, coachId?: number): CoachWeekTotals[];
  /** Week numbers (see weekNumber) in which the coach has a self-check or a reflection dated in [from, to]. */
  activeWeeks(coachId: number, fromDate: string, toDate: string): number[];
  /**
   * Per group and week, totals over each group's current members, for every group or only `groupId`.
   * Aggregates only: no single coach's row leaves the store on the way to a digest.
   */
  groupWeekTotals(fromDate: string, toDate: string, groupId?: number): (GroupWeekTotals & { groupId: number })[];
  /** Current members per group. */
  groupMemberCounts(): { groupId: number; members: number }[];
}

export interface Repositories {
  coaches: CoachRepository;
  selfChecks: SelfCheckRepository;
  reflections: ReflectionRepository;
  promptIssues: PromptIssueRepository;
  groups: GroupRepository;
  sharedReflections: SharedReflectionRepository;
  clientCompanies: ClientCompanyRepository;
  weeklyStats: WeeklyStatsRepository;
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
  /**
   * Posts `message` (with its image, where it has one) to a peer-supervision group's channel: the weekly digest.
   * Platforms that cannot reach channels leave it out. Throws DeliveryError on failure.
   */
  sendToChannel?(
    group: Group,
    message: import('./message').Message,
    deliveryKey: string,
  ): Promise<{ messageId?: string }>;
}

/** Weekly means to draw: one series per behaviour over the same weeks. Missing weeks are null. */
export interface ChartData {
  title: string;
  /** Monday dates, oldest first. */
  weekStarts: string[];
  series: { label: string; values: (number | null)[] }[];
}

/** Draws a chart to PNG. Implemented outside core (src/charts) so core does not depend on a drawing library. */
export interface ChartRenderer {
  renderPng(chart: ChartData): Promise<Uint8Array>;
}
