import type { CoachTurn } from './coach-turn';

/** What a platform knows about a request beyond who sent it. */
export interface RequestContext {
  /** The platform's id for this request; a retry with the same key records nothing twice. */
  requestKey?: string;
  /** The coach's time zone as the platform reports it (Slack profile, Teams localTimezone). */
  timeZone?: string;
  displayName?: string;
  /** The coach's email as the platform reports it: a session-ended hook may name the coach by it (journey.ts). */
  email?: string;
  /** The conversation the request came from, for commands about a channel ("digest here", "group join"). */
  channel?: { id: string; kind: 'direct' | 'group'; name?: string };
  /**
   * The platform delivers an export's files one by one, each once the coach allows it (Teams): the export is then
   * audited per file delivered (exportFile), not when the files are first built.
   */
  filesOnConsent?: boolean;
  /** This turn's coach, looked up once and passed down (coach-turn.ts); without it every lookup reads. */
  turn?: CoachTurn;
}
