import { z } from 'zod';
import requirementsFile from '../../prompts/credentials/icf-requirements-2025.json';
import rubricFile from '../../prompts/rubric/rubric-2025.json';
import { BEHAVIOUR_KEYS, type BehaviourKey } from './behaviours';
import { LEVELS, type Level } from './model';

/**
 * The versioned data the credential journey stands on (issue #15): the rubric (the six behaviours with ICF's labels,
 * PCC markers 4.1-4.4 in our own paraphrase) and ICF's credential requirements. Both live in prompts/ as JSON with a
 * version id and the date they were checked, and are checked with zod when this module loads (at start-up).
 * Every self-check and every session rating stores the rubric version it was given under.
 */

export const MARKER_IDS = ['4.1', '4.2', '4.3', '4.4'] as const;
export type MarkerId = (typeof MARKER_IDS)[number];

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2025-11-01');

export const rubricSchema = z
  .object({
    version: z.string().regex(/^[\w.-]{1,20}$/, 'a short version id like "2025.1"'),
    title: z.string().min(1).max(200),
    credit: z.string().min(1).max(400),
    checked: isoDate,
    behaviours: z
      .array(z.object({ key: z.enum(BEHAVIOUR_KEYS), label: z.string().min(1).max(150) }).strict())
      .length(BEHAVIOUR_KEYS.length),
    markers: z
      .array(
        z
          .object({
            id: z.enum(MARKER_IDS),
            short: z.string().min(1).max(24),
            text: z.string().min(20).max(200),
            behaviour: z.enum(BEHAVIOUR_KEYS),
          })
          .strict(),
      )
      .length(MARKER_IDS.length),
    /**
     * For a later version: how its behaviours and markers map onto the previous version's, so trends stay comparable
     * across the change. Null in the first version.
     */
    mapping: z
      .object({
        from: z.string().min(1).max(20),
        behaviours: z.record(z.string(), z.enum(BEHAVIOUR_KEYS)),
        markers: z.record(z.string(), z.enum(MARKER_IDS)),
      })
      .strict()
      .nullable(),
  })
  .strict()
  .refine((r) => new Set(r.markers.map((m) => m.id)).size === MARKER_IDS.length, {
    message: 'each marker 4.1-4.4 appears once',
    path: ['markers'],
  })
  .refine((r) => new Set(r.behaviours.map((b) => b.key)).size === BEHAVIOUR_KEYS.length, {
    message: 'each behaviour appears once',
    path: ['behaviours'],
  });
export type Rubric = z.infer<typeof rubricSchema>;
export type Marker = Rubric['markers'][number];

const hours = z.number().int().min(0).max(100_000);
const credentialSchema = z
  .object({
    hours,
    paidHours: hours,
    clients: z.number().int().min(0).max(10_000),
    /** Hours needed in the `recentMonths` before applying; null when the credential sets none. */
    recentHours: hours.nullable(),
    recentMonths: z.number().int().min(1).max(120),
  })
  .strict();

export const requirementsSchema = z
  .object({
    version: z.string().regex(/^[\w.-]{1,20}$/),
    checked: isoDate,
    source: z.string().min(1).max(400),
    credentials: z.object({ ACC: credentialSchema, PCC: credentialSchema, MCC: credentialSchema }).strict(),
    mentoring: z
      .object({
        hours,
        minSpanMonths: z.number().int().min(0).max(60),
        oneToOneHours: hours,
        maxGroupSize: z.number().int().min(2).max(100),
        note: z.string().min(1).max(400),
      })
      .strict(),
  })
  .strict();
export type Requirements = z.infer<typeof requirementsSchema>;
export type CredentialRequirement = z.infer<typeof credentialSchema>;

/** Parses a data file, naming the file and the field on a problem (start-up stops with it). */
export function parseDataFile<T>(name: string, schema: z.ZodType<T>, data: unknown): T {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `field "${i.path.join('.') || '(the file)'}": ${i.message}`);
  throw new Error(`${name}: ${issues.join('; ')}`);
}

/** The rubric in force: new self-checks and session ratings are stored under its version. */
export const RUBRIC: Rubric = parseDataFile('prompts/rubric/rubric-2025.json', rubricSchema, rubricFile);
export const REQUIREMENTS: Requirements = parseDataFile(
  'prompts/credentials/icf-requirements-2025.json',
  requirementsSchema,
  requirementsFile,
);

export function marker(id: MarkerId, rubric: Rubric = RUBRIC): Marker {
  const found = rubric.markers.find((m) => m.id === id);
  if (!found) throw new Error(`unknown marker ${id}`);
  return found;
}

export function isMarkerId(value: string): value is MarkerId {
  return (MARKER_IDS as readonly string[]).includes(value);
}

/** The behaviour a marker belongs to (talents, empathy, feelings, openness), by the rubric. */
export function markerBehaviour(id: MarkerId, rubric: Rubric = RUBRIC): BehaviourKey {
  return marker(id, rubric).behaviour;
}

/** What a coach is asked about: the credential named, or the one above the one they hold, or ACC. */
export function nextLevel(level: Level | null): Level {
  if (level === null) return 'ACC';
  const index = LEVELS.indexOf(level);
  return LEVELS[Math.min(index + 1, LEVELS.length - 1)];
}
