/**
 * How `npm start` runs Trellis, for the benchmarks that measure it as it runs: the compiled build (`npm run build`,
 * `src/` to `dist/`) under the node flags of package.json's start script (`node [flags] dist/main.js`).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const ROOT = path.resolve(__dirname, '..');

/** The node flags of package.json's start script. */
export function startFlags(): string[] {
  const pkg = z
    .object({ scripts: z.object({ start: z.string() }) })
    .parse(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')));
  const words = pkg.scripts.start.split(/\s+/);
  return words[0] === 'node' ? words.filter((w) => w.startsWith('--')) : [];
}

/** Compiles `src/` to `dist/` as `npm start`'s prestart does (incremental: quick when nothing changed). */
export function build(): void {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
}

/** The compiled file of a module under `src/` (e.g. `main` → dist/main.js). */
export const compiled = (module: string): string => path.join(ROOT, 'dist', `${module}.js`);
