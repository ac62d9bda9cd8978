import { z } from 'zod';
import { BEHAVIOUR_KEYS, type BehaviourKey } from './behaviours';

/**
 * A group's figures for one closed week, and the only arithmetic that turns ratings into them.
 *
 * Per behaviour the store counts, inside SQL, how many members rated it that week (raters) and how many of those
 * had a week mean of 3.5 or more (rounds to Often or Consistently). Everything a digest shows is a function of
 * these counts alone, so a reader who knows every other member's ratings learns of the last one at most whether
 * their mean was at least 3.5: never the rating itself. See README, "Why a determined colleague cannot work out
 * one coach's ratings".
 */

/** The share of raters at Often or Consistently, in three broad bands; "most" covers "all", "few" covers "none". */
export const BANDS = ['few', 'half', 'most'] as const;
export type Band = (typeof BANDS)[number];

/** How a band reads in a digest line. */
export const BAND_WORDS: Record<Band, string> = { few: 'few', half: 'about half', most: 'most' };
/** A band as a bar height in the chart: 1 few, 2 about half, 3 most. */
export const BAND_LEVEL: Record<Band, 1 | 2 | 3> = { few: 1, half: 2, most: 3 };

/** A mean at or above this counts as Often or Consistently. The only split: a second one would pin a 3 exactly. */
export const HIGH_MEAN = 3.5;

/** What the store hands over for one group's closed week: counts, never a coach's row. */
export interface GroupWeekShares {
  /** Members at the week's close (joined by then and not yet left). */
  membersAtClose: number;
  /** Those of them with at least one self-check dated in the week. */
  contributors: number;
  /** Members who rated each behaviour at least once in the week. */
  raters: Record<BehaviourKey, number>;
  /** Of the raters, those whose week mean for the behaviour was at least HIGH_MEAN. */
  high: Record<BehaviourKey, number>;
}

/** What a digest week shows and what is stored once it is published: nothing per coach. */
export interface DigestFigures {
  /** Members at the week's close. */
  members: number;
  /** Whether at least the minimum number of members checked in. */
  enough: boolean;
  /** Per behaviour, its band; null when fewer than the minimum rated it. */
  bands: Record<BehaviourKey, Band | null>;
}

const bandSchema = z.enum(BANDS).nullable();

/** Stored figures are read back through this, so a damaged row is an error, never a wrong digest. */
export const digestFiguresSchema = z.object({
  members: z.number().int().min(0),
  enough: z.boolean(),
  bands: z.object(
    Object.fromEntries(BEHAVIOUR_KEYS.map((k) => [k, bandSchema])) as Record<BehaviourKey, typeof bandSchema>,
  ),
});

/** The band of `high` out of `raters`: most above two thirds, few under one third, about half between. */
export function shareBand(high: number, raters: number): Band {
  if (3 * high > 2 * raters) return 'most';
  if (3 * high < raters) return 'few';
  return 'half';
}

/** The week's figures from its counts; `minGroupSize` is already at least MIN_GROUP_SIZE_FLOOR. */
export function figuresFrom(shares: GroupWeekShares, minGroupSize: number): DigestFigures {
  const enough = shares.contributors >= minGroupSize;
  const bands = {} as Record<BehaviourKey, Band | null>;
  for (const key of BEHAVIOUR_KEYS) {
    bands[key] = enough && shares.raters[key] >= minGroupSize ? shareBand(shares.high[key], shares.raters[key]) : null;
  }
  return { members: shares.membersAtClose, enough, bands };
}

/** The shown behaviours at the highest and the lowest band; both empty when fewer than two differ. */
export function highestAndLowest(bands: DigestFigures['bands']): { highest: BehaviourKey[]; lowest: BehaviourKey[] } {
  const shown = BEHAVIOUR_KEYS.filter((k) => bands[k] !== null);
  const level = (k: BehaviourKey) => BAND_LEVEL[bands[k] as Band];
  const levels = shown.map(level);
  const top = Math.max(...levels);
  const bottom = Math.min(...levels);
  if (shown.length < 2 || top === bottom) return { highest: [], lowest: [] };
  return { highest: shown.filter((k) => level(k) === top), lowest: shown.filter((k) => level(k) === bottom) };
}
