import { BEHAVIOUR_KEYS, behaviour } from './behaviours';
import { PCC_MARKERS, PROMPT_LEVELS, PROMPT_PRACTICES } from './prompt-schema';
import type { PromptCatalog } from './prompts';

/**
 * The catalogue in figures, as the README's "Prompts" section shows them (`npx tsx scripts/prompt-counts.ts`;
 * test/core/prompt-catalog.test.ts checks the README against it). A prompt tied to two behaviours counts for both.
 */
export function promptCounts(catalog: PromptCatalog): string[] {
  const ps = catalog.prompts;
  const n = (f: (p: (typeof ps)[number]) => boolean) => ps.filter(f).length;
  return [
    `prompts: ${ps.length} (${n((p) => p.kind === 'reflect')} reflect, ${n((p) => p.kind === 'watch-for')} watch-for)`,
    `by behaviour: ${BEHAVIOUR_KEYS.map((k) => `${behaviour(k).short} ${n((p) => p.behaviours.includes(k))}`).join(', ')}`,
    `by level: ${PROMPT_LEVELS.map((l) => `${l} ${n((p) => p.level === l)}`).join(', ')}`,
    `by PCC marker: ${PCC_MARKERS.map((m) => `${m} ${n((p) => p.markers?.includes(m) ?? false)}`).join(', ')}, none ${n((p) => !p.markers)}`,
    `by practice: ${PROMPT_PRACTICES.map((pr) => `${pr} ${n((p) => p.practices?.includes(pr) ?? false)}`).join(', ')}, everyone ${n((p) => !p.practices)}`,
    `tips: ${catalog.tips.length}; "Go deeper" questions: ${catalog.deeperQuestions.length}`,
  ];
}
