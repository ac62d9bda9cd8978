import type { MarkerId } from './rubric';

/**
 * The credential journey's records (issue #15): client sessions as ICF's coaching log counts them, the coach's own
 * marker ratings of a session, mentor-coaching hours, and the session-ended hook's events. The store implements
 * JourneyRepository (src/store/sessions.ts); src/core/journey.ts is what coaches talk to.
 */

export const OBSERVATIONS = ['observed', 'partly', 'not_observed'] as const;
export type Observation = (typeof OBSERVATIONS)[number];

export interface MarkerRating {
  marker: MarkerId;
  observed: Observation;
  /** What the coach said or did, in their words: sealed at rest, never logged. */
  evidence: string | null;
}

export interface ClientSession {
  id: number;
  coachId: number;
  /** The local date of the session, "YYYY-MM-DD". */
  date: string;
  minutes: number;
  paid: boolean;
  /** 1 for an individual session; the number of participants for a group. */
  participants: number;
  clientCode: string;
  /** The rubric version the session's ratings were given under. */
  rubricVersion: string;
  /** The question offered after the session (a prompt id). */
  questionPromptId: string | null;
  createdAt: string;
  ratings: MarkerRating[];
}

export type NewClientSession = Omit<ClientSession, 'id' | 'ratings'> & { requestKey?: string };

export interface MentoringLog {
  id: number;
  coachId: number;
  date: string;
  minutes: number;
  /** 1 for one-to-one; the group's size otherwise. */
  groupSize: number;
  mentorName: string | null;
  createdAt: string;
}

export type NewMentoringLog = Omit<MentoringLog, 'id'> & { requestKey?: string };

/** Sums over a coach's sessions, computed in the store (one pass). Minutes, not hours. */
export interface SessionTotals {
  sessions: number;
  minutes: number;
  paidMinutes: number;
  /** Minutes of sessions dated on or after the `recentFrom` asked for. */
  recentMinutes: number;
  /** Distinct client codes (compared without case or spaces). */
  clients: number;
}

/** A session-ended event from a booking or calendar tool (src/http/session-hook.ts). */
export interface SessionEndEvent {
  id: number;
  coachId: number;
  endedAt: string;
  minutes: number | null;
  clientCode: string | null;
}

export interface JourneyRepository {
  /** Stores the session and its ratings; the caller runs it inside one transaction. */
  addSession(session: NewClientSession, ratings: readonly MarkerRating[]): { session: ClientSession; created: boolean };
  session(coachId: number, id: number): ClientSession | undefined;
  /** Every session of the coach, oldest first (export). */
  sessions(coachId: number): ClientSession[];
  totals(coachId: number, recentFrom: string): SessionTotals;
  addMentoring(log: NewMentoringLog): { log: MentoringLog; created: boolean };
  /** Oldest first. */
  mentoring(coachId: number): MentoringLog[];
  /** Records an end event unless the coach already has one with this key; `created` false for a repeat. */
  recordEndEvent(event: Omit<SessionEndEvent, 'id'> & { dedupeKey: string; receivedAt: string }): {
    event: SessionEndEvent;
    created: boolean;
  };
  endEvent(id: number): SessionEndEvent | undefined;
  /** Oldest first (export). */
  endEvents(coachId: number): SessionEndEvent[];
  /** Minutes after a session's end before the after-session form is sent; null = off. Default 10. */
  afterSessionMinutes(coachId: number): number | null;
  setAfterSessionMinutes(coachId: number, minutes: number | null): void;
  /** Keeps the email a platform reported for the coach (written only when it changed). */
  rememberEmail(coachId: number, email: string): void;
  /** The coaches a platform reported this email for. */
  coachesByEmail(email: string): number[];
  email(coachId: number): string | undefined;
}

export const DEFAULT_AFTER_SESSION_MINUTES = 10;
