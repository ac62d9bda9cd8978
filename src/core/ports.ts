import type { ComparisonRepository } from './compare';
import type { DigestFigures, GroupWeekShares } from './group-figures';
import type { CoachWeekTotals, Group, NewGroup } from './groups';
import type { MentorRepository } from './mentor-model';
import type { Message } from './message';
import type { Coach, CoachRef, Platform, PromptIssue, Reflection, SelfCheck, Settings } from './model';
import type { PortfolioPickRepository } from './portfolio-model';
import type { PrivacyRepository } from './privacy-ports';
import type { JourneyRepository } from './sessions';
import type { CoachWindow } from './week-window';

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
  /** Whether the coach has been welcomed; undefined for a coach not held. One column, no Coach built. */
  welcomed(ref: CoachRef): boolean | undefined;
  byId(id: number): Coach | undefined;
  updateSettings(id: number, settings: Settings, timeZoneSetByCoach: boolean): Coach;
  /** Records the welcome as sent; true only for the one call that recorded it (a retry or a second process: false). */
  markWelcomed(id: number, at: string): boolean;
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
  /** The coach's most recent check before the one with id `beforeId` (what a new check-in is compared with). */
  previous(coachId: number, beforeId: number): SelfCheck | undefined;
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
  byId(id: number): Reflection | undefined;
}

/** A text that might have been a mistyped command, kept until the coach says what it was (core/conversation.ts). */
export interface PendingText {
  id: number;
  coachId: number;
  text: string;
  promptIssueId: number | null;
  /** ISO instant (UTC). */
  createdAt: string;
}

export interface PendingTextRepository {
  add(text: Omit<PendingText, 'id'>): PendingText;
  byId(id: number): PendingText | undefined;
  /** The coach's pending texts, oldest first. */
  forCoach(coachId: number): PendingText[];
  /** False when it was already gone (answered twice). */
  remove(id: number): boolean;
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
  /** Unregisters the channel: its memberships, shares and published digests go with it. False when it was not one. */
  remove(groupId: number): boolean;
  /** Hands the channel to another coach (an admin's act). */
  setOwner(groupId: number, coachId: number): void;
}

/** One week's digest figures as first published. */
export interface PublishedDigest {
  /** Monday of the reported week. */
  weekStart: string;
  /** ISO instant of the digest they were built for. */
  publishedAt: string;
  figures: DigestFigures;
}

/** Published digest figures: written once per group and week, then only read. */
export interface GroupDigestRepository {
  /** Stores the week's figures unless that week is already published; returns what is stored either way. */
  publish(groupId: number, weekStart: string, publishedAt: string, figures: DigestFigures): PublishedDigest;
  get(groupId: number, weekStart: string): PublishedDigest | undefined;
  /** Published weeks up to and including `weekStart`, newest first. */
  upTo(groupId: number, weekStart: string, limit: number): PublishedDigest[];
  latest(groupId: number): PublishedDigest | undefined;
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
  /**
   * The same weeks as flat numbers, one coach at a time and folded only as they are asked for (see CoachWindow;
   * only coaches with something in the range), so a weekly run holds one coach's weeks at a time: the yielded
   * window is reused for the next coach, so read it before asking for the next.
   */
  eachCoachWindow(fromDate: string, toDate: string, coachId?: number): Iterable<CoachWindow>;
  /**
   * Per coach of `coachIds`: the week numbers (see weekNumber) in which it has a self-check or a reflection dated in
   * [from, to], in one pass for them all.
   */
  activeWeeks(coachIds: readonly number[], fromDate: string, toDate: string): Map<number, Set<number>>;
  /**
   * One group's closed week [from, to], counted over its members at `closeAt` (an ISO instant): per member a week
   * mean per behaviour, then per group how many rated it and how many of those were at Often or above, all inside
   * SQL. Counts only: no single coach's row leaves the store on the way to a digest.
   */
  groupWeekShares(groupId: number, fromDate: string, toDate: string, closeAt: string): GroupWeekShares;
}

export interface Repositories {
  coaches: CoachRepository;
  selfChecks: SelfCheckRepository;
  reflections: ReflectionRepository;
  promptIssues: PromptIssueRepository;
  groups: GroupRepository;
  groupDigests: GroupDigestRepository;
  sharedReflections: SharedReflectionRepository;
  clientCompanies: ClientCompanyRepository;
  weeklyStats: WeeklyStatsRepository;
  pendingTexts: PendingTextRepository;
  /** The credential journey: client sessions, marker ratings, mentor coaching (src/core/journey.ts). */
  journey: JourneyRepository;
  /** A mentor coach beside the coach: relations, shared sessions, ratings of a session (src/core/mentors.ts). */
  mentors: MentorRepository;
  /** Self beside mentor: sessions a mentor rated, and what a mentor may see (src/core/compare.ts). */
  comparisons: ComparisonRepository;
  /** The reflections a coach ticked for their portfolio PDF (src/core/portfolio.ts). */
  portfolioPicks: PortfolioPickRepository;
  /** Runs `work` in one transaction: all of it is stored, or none. */
  transaction<T>(work: () => T): T;
  privacy: PrivacyRepository;
}

export type { AuditEntry, CoachData, PrivacyRepository } from './privacy-ports';

/** Where a channel lives on its platform: a peer-supervision group's channel (a Group has both fields). */
export interface ChannelAddress {
  tenant: string;
  channelId: string;
}

/**
 * Something Trellis posted on a platform, by ids only (never content), so it can be removed again: a message in a
 * coach's DM, a file, or a channel post. `user` names the coach whose DM it is (none for a channel post).
 */
export interface PostedItem {
  platform: Platform;
  tenant: string;
  user?: string;
  kind: 'message' | 'file' | 'channel';
  /** Slack channel id or Teams conversation id. */
  conversation: string;
  /** Slack message ts, Slack file id, or Teams activity id. */
  itemId: string;
  /** Teams: the Bot Connector to call for this conversation. */
  serviceUrl?: string;
  /**
   * A channel post's channel, when the conversation is not the channel itself (a Teams digest starts its own
   * thread): what `queueChannel` finds it by. Defaults to `conversation`.
   */
  channel?: string;
}

/**
 * Records what a messenger posted (src/store/platform-messages.ts). Never throws into a send: false when nothing
 * was written (a DM to a coach Trellis no longer holds, a repeat, or a failed write).
 */
export interface PostedItemRecorder {
  record(item: PostedItem): boolean;
  /**
   * Drops the record of one message, so no removal touches it: the delete question whose card or message the
   * answer replaces in place (the answer says what Trellis could not remove, and holds no journal content).
   */
  forget(platform: Platform, conversation: string, itemId: string): void;
}

/** Where a coach's last word after a removal goes: their DM (Slack by user, Teams by the recorded chat). */
export interface NoticeTarget {
  tenant: string;
  user: string;
  conversation?: string;
  serviceUrl?: string;
}

/** The removal queue as the core asks for it: the delete and the retention rule put rows in, a worker drains them. */
export interface RemovalRequests {
  /** Queues every recorded message and file in the coach's DM; returns how many. */
  queueCoach(ref: CoachRef, reason: 'delete' | 'messages', at: string): number;
  /** Queues every recorded item posted before `cutoff` (an ISO instant); returns how many. */
  queuePostedBefore(cutoff: string, at: string): number;
  /**
   * Queues Trellis's own posts in one channel (digests and their charts), on `platform` and in `tenant` when given;
   * returns how many. Nobody is told a count: a channel has no coach to tell.
   */
  queueChannel(channel: { platform?: Platform; tenant?: string; conversation: string }, at: string): number;
}
/** Where a delivery goes: a coach's DM or a channel. */
export type DeliveryTarget = { kind: 'coach'; coach: Coach } | { kind: 'channel'; channel: ChannelAddress };

/** Sends to a coach's private conversation on one platform. Platform adapters implement it. */
export interface Messenger {
  readonly platform: Platform;
  /**
   * Sends `message` to the coach's DM. `deliveryKey` identifies this delivery; platforms that can carry it
   * (Slack message metadata) do, so `wasDelivered` can find it after a crash. Throws DeliveryError on failure.
   * `handBack`: the text's removal record is returned as `posted` instead of written (the outbox writes it in the
   * same commit as its mark); a platform that records otherwise ignores it and returns no `posted`.
   */
  sendDirect(
    coach: Coach,
    message: Message,
    deliveryKey: string,
    options?: { handBack?: boolean },
  ): Promise<{
    messageId?: string;
    /** Whether the message's image reached the coach; undefined when it had none. The text counts as delivered. */
    imageDelivered?: boolean;
    /** The posted text's record, not yet written (`handBack`). */
    posted?: PostedItem;
  }>;
  /**
   * After an unknown outcome (a crash or a timeout mid-send): is a message carrying this key in the target's
   * conversation, posted since `since`? true or false when the platform answered; undefined when it has no way to
   * tell (no history to read). Throws DeliveryError when the lookup itself failed (rate limit, 5xx, timeout): that
   * is "not known yet", never "not delivered". A message found is recorded for removal (a crash may have left it
   * unrecorded).
   */
  wasDelivered?(target: DeliveryTarget, deliveryKey: string, since: Date): Promise<boolean | undefined>;
  /**
   * Opens the target's conversation ahead of its send, where the platform needs a call for that which posts
   * nothing (Slack: a DM's conversations.open): the outbox calls it before it takes its send slot, so the send
   * right after the slot is one call. Throws DeliveryError on failure (nothing was posted).
   */
  openConversation?(target: DeliveryTarget): Promise<void>;
  /**
   * Platforms that upload an image as its own step after the text implement these two; the outbox then sends the
   * text without the image, records that it was posted, and only then calls `attachImage`, so a crash between the
   * two resumes with the upload alone. Throws DeliveryError when the upload failed.
   */
  attachImage?(target: DeliveryTarget, image: NonNullable<Message['image']>, deliveryKey: string): Promise<void>;
  /**
   * After an unknown upload outcome: is this delivery's image in the conversation, after the text `textMessageId`
   * (or since `since` when the text's id is not known)? Same answers as `wasDelivered`.
   */
  wasImageDelivered?(
    target: DeliveryTarget,
    image: NonNullable<Message['image']>,
    deliveryKey: string,
    after: { textMessageId?: string; since: Date },
  ): Promise<boolean | undefined>;
  /**
   * Posts `message` (with its image, where it has one) to a peer-supervision group's channel: the weekly digest.
   * Platforms that cannot reach channels leave it out. Throws DeliveryError when the text was not posted; a chart
   * that failed after it is reported as imageDelivered: false (sending again would post the text twice).
   */
  sendToChannel?(
    channel: ChannelAddress,
    message: Message,
    deliveryKey: string,
    options?: { handBack?: boolean },
  ): Promise<{ messageId?: string; imageDelivered?: boolean; posted?: PostedItem }>;
  /**
   * Removes something Trellis posted: 'removed', or 'gone' when the platform says it is already not there.
   * Throws DeliveryError otherwise (rate_limited and transient are retried; unreachable is final).
   */
  removeItem?(item: PostedItem): Promise<'removed' | 'gone'>;
  /** A plain message that is not recorded (the count after a removal). Throws DeliveryError on failure. */
  sendNotice?(to: NoticeTarget, message: Message): Promise<void>;
}

// The chart ports live in chart-ports.ts; re-exported so every import of them from here still works.
export type { CalibrationChartData, ChartData, ChartRenderer } from './chart-ports';

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
