/** What core asks of the privacy store (export, delete, purge, audit), apart from the other storage ports. */
import type { MentorExport } from './mentor-model';
import type { Coach, PromptIssue, Reflection, SelfCheck } from './model';
import type { PendingText } from './ports';
import type { ClientSession, MentoringLog, SessionEndEvent } from './sessions';

/** Everything stored about one coach, decrypted: what an export contains. */
export interface CoachData {
  coach: Coach;
  selfChecks: SelfCheck[];
  reflections: Reflection[];
  promptIssues: PromptIssue[];
  /** Texts waiting for "Should it go in your journal?" (see conversation.ts); absent when there are none. */
  pendingTexts?: PendingText[];
  /** Peer-supervision groups the coach is in, what they shared with which group, their client companies. */
  peerSupervision?: {
    groups: { channelId: string; name: string | null }[];
    sharedReflections: { reflectionId: number; groupIds: number[] }[];
    clientCompanies: string[];
  };
  /** Client sessions (with the coach's marker ratings), mentor coaching and session-ended events; absent when none. */
  credentialJourney?: { sessions: ClientSession[]; mentoring: MentoringLog[]; sessionEndEvents: SessionEndEvent[] };
  /** Mentor relations on either side, shares, behaviour ratings of sessions, mentors' ratings; absent when none. */
  mentorCoaching?: MentorExport;
  /** The reflections ticked for the portfolio (ids); absent when none. */
  portfolioPicks?: number[];
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
