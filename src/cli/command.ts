import { type ParseArgsConfig, parseArgs } from 'node:util';
import { z } from 'zod';
import type { AppContext } from '../app';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/** One admin command: its options are parsed with node:util and checked with zod before `run` sees them. */
export interface CliCommand<T = unknown> {
  name: string;
  usage: string;
  summary: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Validates `{ ...values, positionals }` into what `run` takes. */
  schema: z.ZodType<T>;
  run(args: T, app: AppContext, io: CliIo): Promise<number | undefined> | number | undefined;
}

export function defineCommand<T>(command: CliCommand<T>): CliCommand<T> {
  return command;
}

export class UsageError extends Error {}

export function parseCommandArgs<T>(command: CliCommand<T>, argv: string[]): T {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options: command.options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\nusage: ${command.usage}`);
  }
  const checked = command.schema.safeParse({ ...parsed.values, positionals: parsed.positionals });
  if (!checked.success) {
    const problems = checked.error.issues.map(
      (i) => `${i.path.length ? `--${i.path.join('.')}` : 'arguments'}: ${i.message}`,
    );
    throw new UsageError(`${problems.join('\n')}\nusage: ${command.usage}`);
  }
  return checked.data;
}

/** A whole number given as a string option. */
export const intOption = (min: number, max: number) =>
  z
    .string({ error: 'is required' })
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

/** For commands that take only options. */
export const noPositionals = z.array(z.string()).max(0, 'takes no positional arguments');
