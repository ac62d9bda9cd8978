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
  /** The coach who registered the channel: only they (or an admin) may change its schedule or stop it. */
  createdBy: number | null;
  createdAt: string;
}

/** A channel to register: a Group before it has an id. */
export type NewGroup = Omit<Group, 'id'>;

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
