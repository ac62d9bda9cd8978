import type { BehaviourKey, Rating } from './behaviours';
import type { Platform } from './model';
import type { MarkerId } from './rubric';
import type { Observation } from './sessions';

/**
 * A mentor coach beside the coach (issue #15, part 2): the records of migration 22 and 24 as the core sees them.
 * The store implements MentorRepository (src/store/mentors.ts); src/core/mentors.ts is what coaches and mentors
 * talk to. A "relation" is one invitation and what became of it; the coach is the one who invited.
 */

export type RelationStatus = 'invited' | 'active' | 'declined' | 'ended';
export type Side = 'coach' | 'mentor';

export interface MentorRelation {
  id: number;
  coachId: number;
  mentorCoachId: number;
  status: RelationStatus;
  invitedAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  endedBy: Side | null;
}

export interface SessionShare {
  id: number;
  sessionId: number;
  relationId: number;
  sharedAt: string;
}

/** What a mentor sees of a shared session: when, how long, what kind. Never the client code, notes or evidence. */
export interface SharedSession {
  shareId: number;
  sessionId: number;
  relationId: number;
  coachId: number;
  date: string;
  minutes: number;
  participants: number;
  sharedAt: string;
  /** The mentor already rated it (they may rate it again: the new rating replaces theirs). */
  rated: boolean;
}

/** A mentor's rating of one session: the six behaviours, markers 4.1–4.4 and an optional comment (sealed). */
export interface MentorReview {
  sessionId: number;
  mentorCoachId: number;
  behaviours: Partial<Record<BehaviourKey, Rating>>;
  markers: { marker: MarkerId; observed: Observation }[];
  comment: string | null;
  rubricVersion: string;
  ratedAt: string;
}

/** A DM Trellis owes someone about a relation or a share: queued in the outbox in the caller's transaction. */
export interface MentorNotice {
  coachId: number;
  platform: Platform;
  /** Which event, e.g. "invite-r12" or "rated-s4-1700000000000": unique per DM, so each is sent once. */
  event: string;
  /** The recipient's local date (the outbox's slot starts with it). */
  localDate: string;
  at: string;
}

/** Everything about mentoring a coach's export holds: relations on either side, shares, ratings of their sessions. */
export interface MentorExport {
  relations: (MentorRelation & { side: Side })[];
  shares: SessionShare[];
  /** The coach's own ratings of the six behaviours per session. */
  selfBehaviourRatings: { sessionId: number; behaviour: BehaviourKey; rating: Rating; rubricVersion: string }[];
  /** Mentors' ratings of the coach's sessions (and the comments, opened). */
  mentorReviews: MentorReview[];
  /** Ratings this coach gave as someone's mentor: ids and figures, never the other coach's session details. */
  givenAsMentor: { sessionId: number; ratedAt: string }[];
}

export interface MentorRepository {
  /** Writes an invitation; the caller checked that no open relation exists between the two. */
  invite(coachId: number, mentorCoachId: number, at: string): MentorRelation;
  relation(id: number): MentorRelation | undefined;
  /** The open (invited or active) relation between this coach and this mentor. */
  openBetween(coachId: number, mentorCoachId: number): MentorRelation | undefined;
  /** Every relation the coach is on either side of, newest first. */
  relationsOf(coachId: number): MentorRelation[];
  /** Moves a relation on only from one of `from`; false when it was no longer there (withdrawn, answered). */
  setStatus(id: number, from: readonly RelationStatus[], to: RelationStatus, at: string, endedBy?: Side): boolean;
  /** Shares a session under a relation; `created` false when it already was. */
  share(sessionId: number, relationId: number, at: string): { share: SessionShare; created: boolean };
  shareById(id: number): SessionShare | undefined;
  /** The share of this session with this mentor under an active relation. */
  activeShare(sessionId: number, mentorCoachId: number): SessionShare | undefined;
  /** Sessions shared with the mentor under active relations, oldest first. */
  sharedWith(mentorCoachId: number): SharedSession[];
  /** The coach's own ratings of the six behaviours for a session. */
  selfBehaviours(sessionId: number): Partial<Record<BehaviourKey, Rating>>;
  /** Replaces the rater's ratings of the six behaviours for a session; the caller runs it in one transaction. */
  setBehaviours(
    sessionId: number,
    rater: { kind: 'self' } | { kind: 'mentor'; coachId: number },
    ratings: Partial<Record<BehaviourKey, Rating>>,
    rubricVersion: string,
    at: string,
  ): void;
  /** Replaces a mentor's marker ratings and comment for a session (inside the caller's transaction). */
  setMentorReview(review: MentorReview): void;
  mentorReview(sessionId: number, mentorCoachId: number): MentorReview | undefined;
  /** Queues the DM in the outbox (once per recipient and event). */
  queueNotice(notice: MentorNotice): boolean;
  /**
   * Takes the coach's due notices out of the outbox (marked sent, atomically) and returns their events: for the
   * terminal chat, which shows them when the coach opens it (Slack and Teams get them from the scheduler).
   */
  takeNotices(coachId: number, at: string): string[];
  /** A mentoring log of the coach on this date and of these minutes, logged by `by` (under `relationId` if given). */
  findMentoringLog(
    coachId: number,
    date: string,
    minutes: number,
    by: Side,
    relationIds?: readonly number[],
  ): { id: number; relationId: number | null } | undefined;
  /** Marks a log as the one meeting of a relation (both sides logged it). */
  linkMentoringLog(logId: number, relationId: number): void;
  /** The coach's mentoring log as the mentor logged it for them. */
  addMentorLog(log: {
    coachId: number;
    relationId: number;
    date: string;
    minutes: number;
    groupSize: number;
    createdAt: string;
  }): number;
  exportFor(coachId: number): MentorExport | undefined;
}
