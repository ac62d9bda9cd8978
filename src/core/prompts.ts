import { BEHAVIOUR_KEYS, type BehaviourKey } from './behaviours';
import type { Level, Ratings } from './model';
import type { GroupQuestion, Prompt, Tip, TipKey } from './prompt-schema';
import { hashSeed, seededRandom, weightedPick } from './random';

/** Every prompt, tip and group question, loaded and checked at start. */
export interface PromptCatalog {
  prompts: readonly Prompt[];
  tips: readonly Tip[];
  groupQuestions: readonly GroupQuestion[];
}

export function promptById(catalog: PromptCatalog, id: string): Prompt | undefined {
  return catalog.prompts.find((p) => p.id === id);
}

export function tipByKey(catalog: PromptCatalog, key: TipKey): Tip | undefined {
  return catalog.tips.find((t) => t.key === key);
}

/** Prompts a coach of this level may get: every "any" prompt, plus those written for their level. */
export function eligiblePrompts(catalog: PromptCatalog, level: Level | null): Prompt[] {
  return catalog.prompts.filter((p) => p.level === 'any' || p.level === level);
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
  /** Prompt ids issued to the coach before, oldest first. */
  history: readonly string[];
  /** Ratings from the last 14 days. */
  recentRatings: readonly Ratings[];
}

/** Today's prompt for a coach: deterministic for a coach and date, no repeats within a cycle, weighted to low ratings. */
export function choosePrompt(catalog: PromptCatalog, choice: PromptChoice): Prompt {
  const eligible = eligiblePrompts(catalog, choice.level);
  if (eligible.length === 0) throw new Error('no prompts are eligible');
  const pool = unusedInCycle(eligible, choice.history);
  const weights = behaviourWeights(choice.recentRatings);
  const random = seededRandom(hashSeed(`${choice.coachKey}|${choice.date}`));
  return weightedPick(pool, (p) => Math.max(...p.behaviours.map((b) => weights[b])), random);
}

/** A tip for a behaviour, rotating with `turn` so a coach does not read the same one every time. */
export function tipFor(catalog: PromptCatalog, key: BehaviourKey, turn: number): Tip | undefined {
  const tips = catalog.tips.filter((t) => t.behaviours.includes(key));
  if (tips.length === 0) return undefined;
  return tips[Math.abs(turn) % tips.length];
}
