import { BEHAVIOUR_KEYS, type BehaviourKey, behaviour } from './behaviours';
import { TrellisError } from './errors';
import { type Message, message } from './message';
import type { Coach, Ratings, SelfCheck } from './model';
import type { Repositories } from './ports';
import { NOTE_NOT_SHOWN } from './privacy-notice';
import { type PromptCatalog, tipFor } from './prompts';
import { formatRatings } from './selfcheck';

/**
 * What Trellis says after a self-check, as a mentor coach would: a human word first when the day was hard, a fall
 * framed rather than reported bare, and a tip only when one behaviour clearly stands lowest (or on request, `tip`).
 */

/** A behaviour is "clearly lowest" when it is at least this far below every other rated behaviour. */
export const CLEARLY_LOWEST_GAP = 1;
/** A fall worth framing: this many points or more below the previous self-check. */
export const FALL_POINTS = 1;
/** Every rated behaviour at or below this, with at least three rated, is an all-low check-in. */
const ALL_LOW_MAX = 2;
const ALL_LOW_MIN_RATED = 3;

/**
 * Words in a note that say the day was hard. The note is only matched, never quoted: the answer speaks about the
 * day, not the note's words.
 */
const HARD_DAY =
  /\b(rough|hard|tough|awful|terrible|horrible|bad|difficult|heavy|draining)\s+(day|week|session|one|morning|afternoon)\b|\b(exhausted|drained|overwhelmed|burn(?:ed|t)?\s*out|struggling|depleted|worn\s*out|wiped\s*out|not\s+my\s+day|fell\s+apart)\b/i;
/** "not a bad day", "wasn't so tough a week": a hard word negated says the day was not hard. */
const NEGATED =
  /\b(not|no|never|wasn'?t|isn'?t)\s+(?:a\s+|an\s+|that\s+|so\s+|too\s+)?(rough|hard|tough|awful|terrible|horrible|bad|difficult|heavy|draining|exhausted|drained|overwhelmed|struggling)\b/gi;

/** The behaviour rated at least CLEARLY_LOWEST_GAP below all the others, if there is one (two or more rated). */
export function clearlyLowest(ratings: Ratings): BehaviourKey | undefined {
  const rated = BEHAVIOUR_KEYS.filter((k) => ratings[k] !== undefined).sort(
    (a, b) => (ratings[a] as number) - (ratings[b] as number),
  );
  if (rated.length < 2) return undefined;
  const [lowest, next] = rated;
  return (ratings[next] as number) - (ratings[lowest] as number) >= CLEARLY_LOWEST_GAP ? lowest : undefined;
}

export function isAllLow(ratings: Ratings): boolean {
  const values = BEHAVIOUR_KEYS.map((k) => ratings[k]).filter((v): v is NonNullable<typeof v> => v !== undefined);
  return values.length >= ALL_LOW_MIN_RATED && values.every((v) => v <= ALL_LOW_MAX);
}

export function soundsLikeAHardDay(note: string | null): boolean {
  return note !== null && HARD_DAY.test(note.replace(NEGATED, ' '));
}

/** Behaviours rated FALL_POINTS or more below the previous self-check, biggest fall first. */
export function falls(ratings: Ratings, previous: Ratings | undefined): BehaviourKey[] {
  if (!previous) return [];
  const drop = (k: BehaviourKey) => (previous[k] as number) - (ratings[k] as number);
  return BEHAVIOUR_KEYS.filter((k) => ratings[k] !== undefined && previous[k] !== undefined && drop(k) >= FALL_POINTS)
    .map((k) => ({ k, d: drop(k) }))
    .sort((a, b) => b.d - a.d)
    .map((x) => x.k);
}

const names = (keys: readonly BehaviourKey[]) => {
  const list = keys.map((k) => behaviour(k).short.toLowerCase());
  return list.length === 1 ? list[0] : `${list.slice(0, -1).join(', ')} and ${list.at(-1)}`;
};

const ACKNOWLEDGE =
  'That sounds like a hard day. Thank you for checking in all the same: a low day is worth a note, and it is not a verdict on you as a coach.';
const ACKNOWLEDGE_LOW =
  'Low ratings across the board: that can be a hard day, or an honest eye, or both. Thank you for checking in all the same.';

export interface SelfCheckResponseInput {
  check: SelfCheck;
  /** The coach's self-check before this one, if any. */
  previous?: SelfCheck;
  /** The terminal chat adds a hint about `trend`. */
  console?: boolean;
}

/** The reply to a self-check: acknowledgement, framing and at most one tip, in that order. */
export function selfCheckResponse(catalog: PromptCatalog, input: SelfCheckResponseInput): Message {
  const { check } = input;
  const hardNote = soundsLikeAHardDay(check.note);
  const allLow = isAllLow(check.ratings);
  const lines: string[] = [];
  if (hardNote) lines.push(ACKNOWLEDGE);
  else if (allLow) lines.push(ACKNOWLEDGE_LOW);
  lines.push(`${lines.length ? 'Your' : 'Thanks, your'} self-check is saved. ${formatRatings(check.ratings)}`);
  if (check.note) lines.push(`Your note is saved. ${NOTE_NOT_SHOWN}`);
  const fell = falls(check.ratings, input.previous?.ratings);
  if (fell.length) {
    lines.push(
      `${capitalise(names(fell))} ${fell.length === 1 ? 'is' : 'are'} lower than last time. A dip often means you are noticing more sharply, and that is progress too: what did you see this time that you might once have missed?`,
    );
  }
  const lowest = hardNote || allLow ? undefined : clearlyLowest(check.ratings);
  const tip = lowest && tipFor(catalog, lowest, check.id);
  if (lowest && tip) lines.push(tipLine(lowest, tip.title, tip.text));
  const footer = [
    lowest && tip ? undefined : 'Type "tip" if you would like a tip.',
    input.console ? 'Type "trend" to see how the weeks compare.' : undefined,
  ].filter((x): x is string => x !== undefined);
  return message(lines, { footer: footer.length ? footer.join(' ') : undefined });
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function tipLine(key: BehaviourKey, title: string, text: string): string {
  return `*A tip for ${behaviour(key).short.toLowerCase()}* (${title}): ${text}`;
}

/**
 * `tip` and `tip <behaviour>`: a tip on request. Without a behaviour it is for the lowest of the coach's latest
 * self-check (the first of a tie, in behaviour order), or, with no self-check yet, one chosen by the day.
 */
export function tipOnRequest(
  catalog: PromptCatalog,
  args: string,
  latest: SelfCheck | undefined,
  turn: number,
): Message {
  const wanted = args.trim().toLowerCase();
  let key: BehaviourKey | undefined;
  if (wanted !== '') {
    key = BEHAVIOUR_KEYS.find((k) => k === wanted || behaviour(k).short.toLowerCase() === wanted);
    if (!key)
      throw new TrellisError(
        'unknown_command',
        `Say which behaviour: tip followed by one of ${BEHAVIOUR_KEYS.join(', ')}, or just "tip".`,
      );
  } else if (latest && Object.keys(latest.ratings).length > 0) {
    const values = BEHAVIOUR_KEYS.filter((k) => latest.ratings[k] !== undefined);
    key = values.reduce((a, b) => ((latest.ratings[b] as number) < (latest.ratings[a] as number) ? b : a));
  } else {
    key = BEHAVIOUR_KEYS[Math.abs(turn) % BEHAVIOUR_KEYS.length];
  }
  const tip = tipFor(catalog, key, turn);
  if (!tip) return message(`There is no tip for ${behaviour(key).short.toLowerCase()} yet.`);
  return message([tip.text], {
    title: `A tip for ${behaviour(key).short.toLowerCase()}: ${tip.title}`,
    footer: `${behaviour(key).label} (ICF Core Competencies, 2019). For another behaviour, type "tip" and its name (${BEHAVIOUR_KEYS.join(', ')}).`,
  });
}

/** `tip [behaviour]` for a coach: their latest self-check decides the behaviour; the day turns the tip. */
export function tipForCoach(
  deps: { repos: Repositories; catalog: PromptCatalog },
  coach: Coach,
  args: string,
  today: string,
): Message {
  const latest = deps.repos.selfChecks.recent(coach.id, 1)[0];
  return tipOnRequest(deps.catalog, args, latest, coach.id + Math.floor(Date.parse(today) / 864e5));
}
