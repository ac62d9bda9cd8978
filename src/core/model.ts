import type { BehaviourKey, Rating } from './behaviours';
import type { Practice } from './practice';

export const PLATFORMS = ['slack', 'teams', 'console'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** Who a coach is on a platform. (platform, tenant, user) is unique, so platforms never collide. */
export interface CoachRef {
  platform: Platform;
  /** Slack team id, Teams tenant id, or "local" for the terminal chat. */
  tenant: string;
  user: string;
}

export const LEVELS = ['ACC', 'PCC', 'MCC'] as const;
export type Level = (typeof LEVELS)[number];

/** ISO weekday numbers: 1 = Monday … 7 = Sunday. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export interface Settings {
  /** Local time of the daily prompt, "HH:MM" (24 h). */
  promptTime: string;
  promptDays: Weekday[];
  timeZone: string;
  /** The credential the coach holds; null = not credentialed. */
  level: Level | null;
  /** The credential the coach is working toward, if any. */
  workingToward: Level | null;
  /** The kinds of practice the coach works in (src/core/practice.ts); empty = not said. */
  practices: Practice[];
  /** No prompts or summaries up to and including this local date ("YYYY-MM-DD"). */
  pausedUntil: string | null;
}

export interface Coach extends CoachRef {
  id: number;
  displayName: string | null;
  settings: Settings;
  /** True once the coach chose their time zone themselves; then a platform's hint no longer changes it. */
  timeZoneSetByCoach: boolean;
  createdAt: string;
  /** When Trellis sent the coach its welcome (src/core/welcome.ts); null until then. */
  welcomedAt: string | null;
}

export type Ratings = Partial<Record<BehaviourKey, Rating>>;

export interface SelfCheck {
  id: number;
  coachId: number;
  /** ISO instant (UTC). */
  checkedAt: string;
  /** The coach's local date when they checked in, "YYYY-MM-DD". */
  localDate: string;
  ratings: Ratings;
  note: string | null;
  /** The rubric version it was given under (src/core/rubric.ts); the current one when not said. */
  rubricVersion?: string;
}

export interface PromptIssue {
  id: number;
  coachId: number;
  promptId: string;
  issuedAt: string;
  localDate: string;
  status: 'open' | 'answered' | 'skipped' | 'snoozed';
}

export interface Reflection {
  id: number;
  coachId: number;
  promptIssueId: number | null;
  promptId: string | null;
  text: string;
  createdAt: string;
  localDate: string;
}
