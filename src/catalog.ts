import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { TrellisError } from './core/errors';
import {
  type DeeperQuestion,
  deeperQuestionFileSchema,
  deeperQuestionSchema,
  type GroupQuestion,
  groupQuestionFileSchema,
  groupQuestionSchema,
  type Prompt,
  promptFileSchema,
  promptSchema,
  type Tip,
  tipFileSchema,
  tipSchema,
} from './core/prompt-schema';
import type { PromptCatalog } from './core/prompts';

/** Where the prompt files live when nothing else is configured: the repository's prompts/ folder. */
export const DEFAULT_PROMPTS_DIR = path.resolve(__dirname, '..', 'prompts');

function describeIssue(issue: z.core.$ZodIssue): string {
  const field = issue.path.length ? issue.path.join('.') : '(the entry)';
  return `field "${field}": ${issue.message}`;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new TrellisError('prompts', `${file}: not valid JSON (${(error as Error).message})`);
  }
}

function entryId(entry: unknown, key: 'id' | 'key', index: number): string {
  const value = (entry as Record<string, unknown> | null)?.[key];
  return typeof value === 'string' ? `"${value}"` : `#${index + 1}`;
}

function checkEntries<T>(file: string, entries: unknown[], schema: z.ZodType<T>, idKey: 'id' | 'key'): T[] {
  return entries.map((entry, index) => {
    const parsed = schema.safeParse(entry);
    if (!parsed.success) {
      throw new TrellisError(
        'prompts',
        `${file}: entry ${entryId(entry, idKey, index)}: ${parsed.error.issues.map(describeIssue).join('; ')}`,
      );
    }
    return parsed.data;
  });
}

/**
 * Loads every prompt file, the tips and the group questions from `dir`, checking each entry with zod.
 * A broken file stops start-up with the file, the entry's id and the field named.
 */
export function loadCatalog(dir: string = DEFAULT_PROMPTS_DIR): PromptCatalog {
  if (!fs.existsSync(dir)) throw new TrellisError('prompts', `The prompts folder ${dir} does not exist.`);
  const prompts: Prompt[] = [];
  let tips: Tip[] = [];
  let groupQuestions: GroupQuestion[] = [];
  let deeperQuestions: DeeperQuestion[] = [];
  for (const name of fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const file = path.join(dir, name);
    const data = readJson(file);
    if (name === 'tips.json') {
      const parsed = tipFileSchema.safeParse(data);
      if (!parsed.success)
        throw new TrellisError('prompts', `${file}: ${parsed.error.issues.map(describeIssue).join('; ')}`);
      tips = checkEntries(file, parsed.data.tips, tipSchema, 'key');
    } else if (name === 'group-questions.json') {
      const parsed = groupQuestionFileSchema.safeParse(data);
      if (!parsed.success)
        throw new TrellisError('prompts', `${file}: ${parsed.error.issues.map(describeIssue).join('; ')}`);
      groupQuestions = checkEntries(file, parsed.data.questions, groupQuestionSchema, 'id');
    } else if (name === 'deeper.json') {
      const parsed = deeperQuestionFileSchema.safeParse(data);
      if (!parsed.success)
        throw new TrellisError('prompts', `${file}: ${parsed.error.issues.map(describeIssue).join('; ')}`);
      deeperQuestions = parsed.data.questions.map((entry, index) => {
        const one = deeperQuestionSchema.safeParse(entry);
        if (!one.success)
          throw new TrellisError(
            'prompts',
            `${file}: entry #${index + 1}: ${one.error.issues.map(describeIssue).join('; ')}`,
          );
        return one.data;
      });
    } else {
      const parsed = promptFileSchema.safeParse(data);
      if (!parsed.success)
        throw new TrellisError('prompts', `${file}: ${parsed.error.issues.map(describeIssue).join('; ')}`);
      prompts.push(...checkEntries(file, parsed.data.prompts, promptSchema, 'id'));
    }
  }
  const seen = new Set<string>();
  for (const p of prompts) {
    if (seen.has(p.id)) throw new TrellisError('prompts', `${dir}: prompt id "${p.id}" appears twice.`);
    seen.add(p.id);
  }
  if (prompts.length === 0) throw new TrellisError('prompts', `${dir}: no prompts found.`);
  const tipKeys = new Set(tips.map((t) => t.key));
  for (const p of prompts) {
    if (!tipKeys.has(p.tip))
      throw new TrellisError('prompts', `${dir}: prompt "${p.id}": field "tip": no tip "${p.tip}" in tips.json.`);
  }
  return { prompts, tips, groupQuestions, deeperQuestions };
}
