import { z } from 'zod';
import { TrellisError } from './errors';

/**
 * The kinds of practice a coach works in. Prompts written for one context (a sponsor in the room, a video call) go
 * only to coaches whose practice fits; a coach may work in several.
 */
export const PRACTICES = ['organisational', 'private', 'internal', 'virtual'] as const;
export const practiceSchema = z.enum(PRACTICES);
export type Practice = z.infer<typeof practiceSchema>;
export const practicesSchema = z.array(practiceSchema);

export const PRACTICE_LABELS: Record<Practice, string> = {
  organisational: 'organisational / sponsored',
  private: 'private clients',
  internal: 'internal coach',
  virtual: 'virtual sessions',
};

/** Words a coach may type for each practice, beside its key and its number (1–4, the order of PRACTICES). */
const ALIASES: Record<string, Practice> = {
  organisation: 'organisational',
  organization: 'organisational',
  organizational: 'organisational',
  org: 'organisational',
  sponsored: 'organisational',
  sponsor: 'organisational',
  corporate: 'organisational',
  clients: 'private',
  independent: 'private',
  inhouse: 'internal',
  'in-house': 'internal',
  online: 'virtual',
  remote: 'virtual',
  video: 'virtual',
};

/** Practices in PRACTICES order, each once. */
export function sortPractices(practices: Iterable<Practice>): Practice[] {
  const set = new Set(practices);
  return PRACTICES.filter((p) => set.has(p));
}

/** "private,virtual", "2 4", "none": the coach's practices; an unknown word says what to type. */
export function parsePractices(input: string): Practice[] {
  const words = input
    .trim()
    .toLowerCase()
    .split(/[\s,;/+]+/)
    .filter(Boolean);
  if (words.length === 1 && ['none', 'clear'].includes(words[0])) return [];
  if (words.length === 0) throw new TrellisError('invalid_setting', PRACTICE_USAGE);
  const chosen: Practice[] = [];
  for (const word of words) {
    const byNumber = /^[1-4]$/.test(word) ? PRACTICES[Number(word) - 1] : undefined;
    const found = byNumber ?? (practiceSchema.safeParse(word).data as Practice | undefined) ?? ALIASES[word];
    if (!found) throw new TrellisError('invalid_setting', `One of those is not a kind of practice. ${PRACTICE_USAGE}`);
    chosen.push(found);
  }
  return sortPractices(chosen);
}

/** The practices as a numbered list, for the terminal and for errors. */
export const PRACTICE_CHOICES = PRACTICES.map((p, i) => `${i + 1} ${PRACTICE_LABELS[p]}`).join(' · ');

export const PRACTICE_USAGE = `Use one or more of organisational, private, internal, virtual (or their numbers: ${PRACTICE_CHOICES}), for example "settings practice private,virtual", or "settings practice none".`;

export function formatPractices(practices: readonly Practice[]): string {
  return practices.length ? practices.map((p) => PRACTICE_LABELS[p]).join(', ') : 'not set';
}
