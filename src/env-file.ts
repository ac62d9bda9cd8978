import fs from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { ConfigError } from './config';

/** Names a .env file may set: what a shell would accept as a variable name. */
const envFileSchema = z.record(
  z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a name that is not a variable name (use letters, digits and _ only)'),
  z.string(),
);

/**
 * Reads `.env` in the working directory into `env`, as `npm start` and `npm run cli` do first. A variable already in
 * the environment wins over the file (so `PORT=4000 npm start` overrides it). No file is fine; a file that cannot be
 * read, or that sets a name no shell could, stops start-up with a message naming the file. Returns the names it set.
 */
export function loadEnvFile(file = '.env', env: NodeJS.ProcessEnv = process.env): string[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return [];
    throw new ConfigError([
      `${path.resolve(file)} (the .env file) cannot be read (${code ?? 'unreadable'}): give Trellis read access to it, or remove it and set the variables in the environment.`,
    ]);
  }
  const parsed = envFileSchema.safeParse(parseEnv(text));
  if (!parsed.success) {
    throw new ConfigError([
      ...new Set(parsed.error.issues.map((i) => `${path.resolve(file)} (the .env file): a line sets ${i.message}.`)),
    ]);
  }
  const set: string[] = [];
  for (const [name, value] of Object.entries(parsed.data)) {
    if (env[name] !== undefined) continue;
    env[name] = value;
    set.push(name);
  }
  return set;
}
