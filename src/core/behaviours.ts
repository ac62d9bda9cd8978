/**
 * The six observable behaviours of ICF Core Competency 4, "Cultivates Trust and Safety".
 * Labels are ICF's (Core Competencies, 2019 revision); the order is the order of `/selfcheck` ratings.
 */
export const BEHAVIOUR_KEYS = ['context', 'respect', 'talents', 'empathy', 'feelings', 'openness'] as const;

export type BehaviourKey = (typeof BEHAVIOUR_KEYS)[number];

export interface Behaviour {
  key: BehaviourKey;
  /** ICF's label for the behaviour. */
  label: string;
  /** A short name for tight places: tables, charts, buttons. */
  short: string;
}

export const BEHAVIOURS: readonly Behaviour[] = [
  { key: 'context', label: 'Seeks to understand the client within their context', short: 'Context' },
  {
    key: 'respect',
    label: "Demonstrates respect for the client's identity, perceptions, style, and language",
    short: 'Respect',
  },
  {
    key: 'talents',
    label: "Acknowledges and respects the client's unique talents, insights, and work",
    short: 'Talents',
  },
  { key: 'empathy', label: 'Shows support, empathy, and concern for the client', short: 'Empathy' },
  {
    key: 'feelings',
    label: "Acknowledges and supports the client's expression of feelings and experiences",
    short: 'Feelings',
  },
  {
    key: 'openness',
    label: 'Demonstrates openness and transparency as a way to display vulnerability',
    short: 'Openness',
  },
];

export function behaviour(key: BehaviourKey): Behaviour {
  const found = BEHAVIOURS.find((b) => b.key === key);
  if (!found) throw new Error(`unknown behaviour ${key}`);
  return found;
}

export function isBehaviourKey(value: string): value is BehaviourKey {
  return (BEHAVIOUR_KEYS as readonly string[]).includes(value);
}

/** The rating scale, 1–5. */
export const SCALE = [
  { value: 1, label: 'Not yet' },
  { value: 2, label: 'Rarely' },
  { value: 3, label: 'Sometimes' },
  { value: 4, label: 'Often' },
  { value: 5, label: 'Consistently' },
] as const;

export type Rating = 1 | 2 | 3 | 4 | 5;

export function scaleLabel(value: Rating): string {
  return SCALE[value - 1].label;
}
