import { z } from 'zod';
import { BEHAVIOUR_KEYS } from './behaviours';
import { PRACTICES } from './practice';

/** Development tips the prompts are drawn from (see shared domain notes). */
export const TIP_KEYS = [
  'listening',
  'emotions',
  'humanity',
  'permission',
  'hesitation',
  'confidentiality',
  'culture',
  'non-judgment',
  'transparency',
  'boundaries',
  'silence',
  'tone-pace',
  'own-biases',
  'courage',
  'reliability',
  'power-status',
  'repair',
  'referral',
] as const;
export type TipKey = (typeof TIP_KEYS)[number];

/** Common mistakes, the source of "watch for" prompts. */
export const MISTAKE_KEYS = [
  'rushing-into-depth',
  'judging',
  'minimising-emotions',
  'breaching-confidence',
  'imposing-values',
  'avoiding-difficult-conversation',
  'tools-over-cues',
  'consultant-mode',
  'ego',
] as const;
export type MistakeKey = (typeof MISTAKE_KEYS)[number];

export const PROMPT_LEVELS = ['any', 'ACC', 'PCC', 'MCC'] as const;
export type PromptLevel = (typeof PROMPT_LEVELS)[number];

/** Stages of a Gibbs-style reflective cycle. */
export const STAGES = ['describe', 'feelings', 'evaluate', 'analyse', 'conclude', 'plan'] as const;
export type Stage = (typeof STAGES)[number];

/** PCC markers 4.1–4.4 (the assessor's view of this competency); a prompt may be tied to one or two. */
export const PCC_MARKERS = ['4.1', '4.2', '4.3', '4.4'] as const;
export type PccMarker = (typeof PCC_MARKERS)[number];

/**
 * Kinds of practice a prompt can be written for. The ids are those of the coach profile's `Practice`
 * (coach.settings.practices); a prompt without a `practices` tag goes to every coach.
 */
/** A prompt written for one kind of practice carries its id (src/core/practice.ts). */
export const PROMPT_PRACTICES = PRACTICES;
export type PromptPractice = (typeof PROMPT_PRACTICES)[number];

export const promptSchema = z
  .object({
    id: z.string().regex(/^[a-z]+(-[a-z0-9]+)*-\d{2,3}$/, 'ids look like "context-01"'),
    kind: z.enum(['reflect', 'watch-for']),
    behaviours: z.array(z.enum(BEHAVIOUR_KEYS)).min(1).max(2),
    tip: z.enum(TIP_KEYS),
    mistake: z.enum(MISTAKE_KEYS).optional(),
    level: z.enum(PROMPT_LEVELS),
    stage: z.enum(STAGES),
    markers: z
      .array(z.enum(PCC_MARKERS))
      .min(1)
      .max(2)
      .refine((m) => new Set(m).size === m.length, 'a marker is named once')
      .optional(),
    practices: z
      .array(z.enum(PROMPT_PRACTICES))
      .min(1)
      .refine((m) => new Set(m).size === m.length, 'a practice is named once')
      .optional(),
    text: z.string().trim().min(20).max(280),
  })
  .strict()
  .refine((p) => p.kind !== 'watch-for' || p.mistake !== undefined, {
    message: 'a watch-for prompt names the mistake it watches for',
    path: ['mistake'],
  });
export type Prompt = z.infer<typeof promptSchema>;

export const promptFileSchema = z.object({ prompts: z.array(z.unknown()).min(1) }).strict();

export const tipSchema = z
  .object({
    key: z.enum(TIP_KEYS),
    title: z.string().min(3).max(60),
    behaviours: z.array(z.enum(BEHAVIOUR_KEYS)).min(1),
    text: z.string().trim().min(20).max(400),
  })
  .strict();
export type Tip = z.infer<typeof tipSchema>;

export const tipFileSchema = z.object({ tips: z.array(z.unknown()).min(1) }).strict();

/** Questions a peer-supervision group can take into its next meeting. */
export const groupQuestionSchema = z
  .object({
    id: z.string().regex(/^group-[a-z]+-\d{2}$/, 'ids look like "group-context-01"'),
    behaviours: z.array(z.enum(BEHAVIOUR_KEYS)).min(1).max(2),
    text: z.string().trim().min(20).max(280),
  })
  .strict();
export type GroupQuestion = z.infer<typeof groupQuestionSchema>;

export const groupQuestionFileSchema = z.object({ questions: z.array(z.unknown()).min(1) }).strict();

/** A companion question for "Go deeper": the next stage of the cycle on the same moment, per stage and behaviour. */
export const deeperQuestionSchema = z
  .object({
    stage: z.enum(STAGES),
    behaviour: z.enum(BEHAVIOUR_KEYS),
    text: z.string().trim().min(20).max(280),
  })
  .strict();
export type DeeperQuestion = z.infer<typeof deeperQuestionSchema>;

export const deeperQuestionFileSchema = z.object({ questions: z.array(z.unknown()).min(1) }).strict();
