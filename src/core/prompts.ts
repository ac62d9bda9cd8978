import { BEHAVIOUR_KEYS, type BehaviourKey, behaviour } from './behaviours';
import type { Level, Ratings } from './model';
import type { DeeperQuestion, GroupQuestion, Prompt, PromptLevel, Tip, TipKey } from './prompt-schema';
import { hashSeed, seededRandom, weightedPick } from './random';

/** Every prompt, tip and group question, loaded and checked at start. */
export interface PromptCatalog {
  prompts: readonly Prompt[];
  tips: readonly Tip[];
  groupQuestions: readonly GroupQuestion[];
  /** Companion questions for "Go deeper" (prompts/deeper.json); see deeper.ts. */
  deeperQuestions: readonly DeeperQuestion[];
}

export function promptById(catalog: PromptCatalog, id: string): Prompt | undefined {
  return catalog.prompts.find((p) => p.id === id);
}

export function tipByKey(catalog: PromptCatalog, key: TipKey): Tip | undefined {
  return catalog.tips.find((t) => t.key === key);
}

/**
 * The prompt levels each coach level draws from. Levels are cumulative: a coach with no level (or working toward
 * ACC) meets the "any" prompts and the ACC basics, a PCC coach the ACC ones too, an MCC coach every prompt.
 */
export const LEVEL_REACH: Record<Level | 'none', readonly PromptLevel[]> = {
  none: ['any', 'ACC'],
  ACC: ['any', 'ACC'],
  PCC: ['any', 'ACC', 'PCC'],
  MCC: ['any', 'ACC', 'PCC', 'MCC'],
};

/** How much more often a prompt written for the coach's own level comes up than one from the levels below. */
export const OWN_LEVEL_WEIGHT = 3;

/** The weight a prompt of `promptLevel` has for a coach of `level`: their own level is favoured. */
export function levelWeight(level: Level | null, promptLevel: PromptLevel): number {
  return level !== null && promptLevel === level ? OWN_LEVEL_WEIGHT : 1;
}

/**
 * Whether a prompt fits the coach's kinds of practice: untagged prompts fit everyone, a tagged one only a coach
 * with one of its practices (ids as in coach.settings.practices: organisational, private, internal, virtual).
 */
export function fitsPractice(prompt: Prompt, practices: readonly string[]): boolean {
  return prompt.practices === undefined || prompt.practices.some((p) => practices.includes(p));
}

/** Prompts a coach of this level and practice may get (see LEVEL_REACH and fitsPractice). */
export function eligiblePrompts(
  catalog: PromptCatalog,
  level: Level | null,
  practices: readonly string[] = [],
): Prompt[] {
  const reach = LEVEL_REACH[level ?? 'none'];
  return catalog.prompts.filter((p) => reach.includes(p.level) && fitsPractice(p, practices));
}

/** What of a coach's settings picks their prompts: the credential held and the kinds of practice. */
export interface PromptProfile {
  level: Level | null;
  practices: readonly string[];
}

/** The prompts for one behaviour a profile may get, worked out once per catalogue (a weekly run asks thousands). */
const forBehaviourCache = new WeakMap<PromptCatalog, Map<string, Prompt[]>>();

/**
 * A prompt on `behaviour` for the coach (the weekly summary's "prompt to try"): drawn from the same pool as the daily
 * prompt (eligiblePrompts: levels cumulative, practice-tagged prompts only for a coach whose practice fits) and
 * weighted toward the coach's own level as the daily draw is; the same for a seed (a coach and week), so it holds
 * all week. Undefined when no prompt on that behaviour fits.
 */
export function promptForBehaviour(
  catalog: PromptCatalog,
  coach: PromptProfile,
  behaviour: BehaviourKey,
  seed: string,
): Prompt | undefined {
  let byProfile = forBehaviourCache.get(catalog);
  if (!byProfile) {
    byProfile = new Map();
    forBehaviourCache.set(catalog, byProfile);
  }
  const practices = [...new Set(coach.practices)].sort();
  const key = `${coach.level}|${practices.join(',')}|${behaviour}`;
  let candidates = byProfile.get(key);
  if (!candidates) {
    candidates = eligiblePrompts(catalog, coach.level, practices).filter((p) => p.behaviours.includes(behaviour));
    byProfile.set(key, candidates);
  }
  if (candidates.length === 0) return undefined;
  const random = seededRandom(hashSeed(seed));
  return weightedPick(candidates, (p) => levelWeight(coach.level, p.level), random);
}

/**
 * The prompts not yet used in the coach's current cycle: once every eligible prompt has been issued,
 * a new cycle begins and all are eligible again.
 */
export function unusedInCycle(eligible: readonly Prompt[], history: readonly string[]): Prompt[] {
  const ids = new Set(eligible.map((p) => p.id));
  let used = new Set<string>();
  for (const id of history) {
    if (!ids.has(id)) continue;
    used.add(id);
    if (used.size === ids.size) used = new Set();
  }
  return eligible.filter((p) => !used.has(p.id));
}

/**
 * A weight per behaviour from recent ratings: the lower a behaviour was rated, the more often it comes up.
 * Unrated behaviours count as the middle of the scale.
 */
export function behaviourWeights(recent: readonly Ratings[]): Record<BehaviourKey, number> {
  const weights = {} as Record<BehaviourKey, number>;
  for (const key of BEHAVIOUR_KEYS) {
    const values = recent.map((r) => r[key]).filter((v): v is NonNullable<typeof v> => v !== undefined);
    const mean = values.length ? values.reduce((a, b) => a + b, 0) / values.length : 3;
    // A mean of 1 weighs 5, a mean of 5 weighs 1.
    weights[key] = 6 - mean;
  }
  return weights;
}

export interface PromptChoice {
  /** A stable key for the coach, such as their id. */
  coachKey: string;
  /** The coach's local date, "YYYY-MM-DD". */
  date: string;
  level: Level | null;
  /** The coach's kinds of practice (coach.settings.practices ids); [] gets untagged prompts only. */
  practices: readonly string[];
  /** Prompt ids issued to the coach before, oldest first. */
  history: readonly string[];
  /** Ratings from the last 14 days. */
  recentRatings: readonly Ratings[];
}

/**
 * Today's prompt for a coach: deterministic for a coach and date, no repeats within a cycle, weighted to low ratings
 * and toward the coach's own level.
 */
export function choosePrompt(catalog: PromptCatalog, choice: PromptChoice): Prompt {
  const eligible = eligibleFor(catalog, choice.level, choice.practices);
  if (eligible.length === 0) throw new Error('no prompts are eligible');
  const pool = choice.history.length ? unusedInCycle(eligible, choice.history) : eligible;
  const weights = behaviourWeights(choice.recentRatings);
  const random = seededRandom(hashSeed(`${choice.coachKey}|${choice.date}`));
  const weight = (p: Prompt) => {
    let highest = Number.NEGATIVE_INFINITY;
    for (const b of p.behaviours) highest = Math.max(highest, weights[b]);
    return highest * levelWeight(choice.level, p.level);
  };
  return weightedPick(pool, weight, random);
}

/** The daily pool per profile, worked out once per catalogue (a fan-out asks it once per coach). Never mutated. */
const eligibleCache = new WeakMap<PromptCatalog, Map<string, readonly Prompt[]>>();

function eligibleFor(catalog: PromptCatalog, level: Level | null, practices: readonly string[]): readonly Prompt[] {
  let byProfile = eligibleCache.get(catalog);
  if (!byProfile) {
    byProfile = new Map();
    eligibleCache.set(catalog, byProfile);
  }
  const key = `${level}|${practices.length ? [...new Set(practices)].sort().join(',') : ''}`;
  let eligible = byProfile.get(key);
  if (!eligible) {
    eligible = eligiblePrompts(catalog, level, practices);
    byProfile.set(key, eligible);
  }
  return eligible;
}

/** "PCC marker 4.3" or "PCC markers 4.1 and 4.4": how a prompt names the markers it is tied to. */
export function markerLabel(prompt: Prompt): string | undefined {
  const m = prompt.markers;
  if (!m?.length) return undefined;
  return m.length === 1 ? `PCC marker ${m[0]}` : `PCC markers ${m.slice(0, -1).join(', ')} and ${m.at(-1)}`;
}

/** The footer under a prompt: its behaviours, the tip it comes from, any PCC marker, and who sees the reply. */
export function promptFooter(catalog: PromptCatalog, prompt: Prompt): string {
  const parts = [prompt.behaviours.map((b) => behaviour(b).short).join(' · ')];
  const tip = tipByKey(catalog, prompt.tip);
  if (tip) parts.push(`from the tip "${tip.title}"`);
  const marker = markerLabel(prompt);
  if (marker) parts.push(marker);
  parts.push('reply with a few lines; your group sees them only if you share them.');
  return parts.join(' · ');
}

/** A tip for a behaviour, rotating with `turn` so a coach does not read the same one every time. */
export function tipFor(catalog: PromptCatalog, key: BehaviourKey, turn: number): Tip | undefined {
  const tips = catalog.tips.filter((t) => t.behaviours.includes(key));
  if (tips.length === 0) return undefined;
  return tips[Math.abs(turn) % tips.length];
}
