import type { BehaviourKey } from './behaviours';
import type { Platform, Weekday } from './model';
import type { WeekTotals } from './trends';

/** A peer-supervision channel: where and when its weekly digest goes. */
export interface Group {
  id: number;
  platform: Platform;
  tenant: string;
  channelId: string;
  name: string | null;
  digestWeekday: Weekday;
  /** Local time of the digest, "HH:MM". */
  digestTime: string;
  timeZone: string;
  createdAt: string;
}

/** A channel to register: a Group before it has an id, with the coach who registered it. */
export type NewGroup = Omit<Group, 'id'> & { createdBy: number | null };

/** A reflection as a group sees it once its coach shared it: the words and the prompt, never who wrote them. */
export interface SharedReflection {
  promptId: string | null;
  text: string;
}

export interface CoachWeekTotals extends WeekTotals {
  coachId: number;
  /** Reflections dated in the week (a week may have reflections and no self-check). */
  reflections: number;
}

/** A group's week: totals plus how many different members they came from, per behaviour. */
export interface GroupWeekTotals extends WeekTotals {
  /** Members with at least one self-check this week. */
  contributors: number;
  /** Members who rated each behaviour at least once this week. */
  raters: Record<BehaviourKey, number>;
}
